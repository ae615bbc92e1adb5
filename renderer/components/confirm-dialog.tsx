// A modal question with two answers. A native <dialog> gives focus trapping and Escape for free.
import { useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  message: string;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  testId?: string;
  /** Specifics below the message, e.g. a list of what is being confirmed. */
  children?: ReactNode;
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      data-testid={props.testId ?? 'confirm-dialog'}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-message`}
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
    >
      <h2 className="dialog-title" id={`${id}-title`}>
        {props.title}
      </h2>
      <p className="dialog-message" id={`${id}-message`}>
        {props.message}
      </p>
      {props.children}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={props.onCancel} disabled={props.busy}>
          Cancel
        </button>
        <button
          type="button"
          className={`btn ${props.danger ? 'btn-danger' : 'btn-primary'}`}
          onClick={props.onConfirm}
          disabled={props.busy}
          data-testid={`${props.testId ?? 'confirm-dialog'}-confirm`}
          autoFocus
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
