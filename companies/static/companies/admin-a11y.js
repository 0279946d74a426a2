// Names that Django's admin and modeltranslation leave out, which axe-core (and screen
// readers) would otherwise miss.
"use strict";
// After the document is read, and after modeltranslation's jQuery ready handler, which
// builds the language switch (this deferred script registers its own after that one).
const whenReady = (run) =>
    window.django?.jQuery
        ? window.django.jQuery(run)
        : document.addEventListener("DOMContentLoaded", run);
whenReady(() => {
    const labels = document.getElementById("park-a11y-labels");
    if (!labels) {
        return;
    }
    // The empty header cell of inline tables: a column without a name.
    document.querySelectorAll("table th").forEach((cell) => {
        if (!cell.textContent.trim() && !cell.querySelector("img, input")) {
            const name = document.createElement("span");
            name.className = "park-sr-only";
            name.textContent = labels.dataset.emptyHeader;
            cell.append(name);
        }
    });
    // The language switch above the translated fields.
    const languageSwitch = document.getElementById("modeltranslation-main-switch");
    if (languageSwitch) {
        languageSwitch.setAttribute("aria-label", labels.dataset.languageSwitch);
    }
});
