// Keyboard help for the staff console: "/" focuses the search box, "Escape" leaves it.
document.addEventListener("keydown", (event) => {
  const target = event.target;
  const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement;
  if (event.key === "/" && !typing) {
    const search = document.querySelector("[data-search]");
    if (search) {
      event.preventDefault();
      search.focus();
      search.select();
    }
  } else if (event.key === "Escape" && typing) {
    target.blur();
  }
});

// The person list of the assign form shows only people of the chosen organization.
document.addEventListener("change", (event) => {
  const select = event.target;
  if (!(select instanceof HTMLSelectElement) || !select.matches("[data-org-select]")) return;
  const people = document.getElementById(select.dataset.orgSelect);
  if (!people) return;
  for (const option of people.options) {
    if (!option.value) continue;
    option.hidden = Boolean(select.value) && option.dataset.org !== select.value && option.dataset.org !== "";
  }
  if (people.selectedOptions[0] && people.selectedOptions[0].hidden) people.value = "";
});
