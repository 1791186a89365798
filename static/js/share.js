// "Kopieer de link" under a column: copies the column's address to the clipboard
// and says so. Without JavaScript (or clipboard access) the link simply leads to
// the column, whose address the reader can copy from the address bar.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-copy]");
  if (!link || !navigator.clipboard) return;
  event.preventDefault();
  const status = link.closest(".share")?.querySelector(".share__status");
  navigator.clipboard.writeText(link.dataset.copy).then(
    () => { if (status) status.textContent = "De link is gekopieerd."; },
    () => { if (status) status.textContent = "Kopiëren lukte niet; kopieer het adres uit de adresbalk."; },
  );
});
