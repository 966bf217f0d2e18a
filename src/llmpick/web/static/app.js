// The only script: confirm destructive forms. (The preset menu has a button: picking an entry with the
// keyboard must not leave the page and drop what was typed.)
document.addEventListener("submit", (event) => {
  const message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
