import { useEffect, useRef } from 'react';

/**
 * The heading of a Settings section that a link can open (`#/settings/<section>`): when the section is
 * the one asked for, the page scrolls to it and focus moves to its heading, so a screen reader says where
 * the user landed.
 */
export function useSectionHeading(focused: boolean | undefined) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!focused) return;
    heading.current?.scrollIntoView({ block: 'start' });
    heading.current?.focus();
  }, [focused]);
  return heading;
}
