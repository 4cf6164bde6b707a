// The error banner: every failed API call a user started ends up here (or
// next to the form that made it) with the hub's own message; none is
// swallowed.

const banner = document.getElementById("error");
const text = document.getElementById("error-text");
document.getElementById("error-close").addEventListener("click", () => clearError());

export function showError(error, context) {
  const message = error && error.message ? error.message : String(error);
  const role = error && error.requiredRole ? ` (needs role ${error.requiredRole})` : "";
  text.textContent = (context ? context + ": " : "") + message + role;
  banner.hidden = false;
}

export function clearError() {
  banner.hidden = true;
  text.textContent = "";
}

// For a promise the page does not wait on: show its failure.
export function report(promise, context) {
  return promise.catch((error) => showError(error, context));
}
