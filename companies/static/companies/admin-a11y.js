// A name for the empty header cell of inline tables, which axe-core (and screen readers)
// would otherwise meet as a column without a name.
"use strict";
window.addEventListener("load", () => {
    const labels = document.getElementById("park-a11y-labels");
    if (!labels) {
        return;
    }
    document.querySelectorAll("table th").forEach((cell) => {
        if (!cell.textContent.trim() && !cell.querySelector("img, input")) {
            const name = document.createElement("span");
            name.className = "park-sr-only";
            name.textContent = labels.dataset.emptyHeader;
            cell.append(name);
        }
    });
});
