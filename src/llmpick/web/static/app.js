// The only script: confirm destructive forms, and load a preset as soon as it is picked.
document.addEventListener("submit", (event) => {
  const message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
document.addEventListener("change", (event) => {
  if (event.target.id === "preset" && event.target.value) event.target.form.submit();
});
