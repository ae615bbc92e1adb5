// Runs before the first paint (a classic script in <head>; the CSP allows no inline one) so a pinned
// theme shows without a flash. Kept in step with renderer/features/shell/theme.ts.
(function () {
  try {
    var theme = window.localStorage.getItem('dspatch.theme');
    if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
  } catch {
    // Storage may be blocked; the OS setting applies then.
  }
})();
