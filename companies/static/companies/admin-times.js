// The admin's history times in the editor's own time zone, to the second. The page
// gives them in the park's zone (named after each), which stays as the title.
"use strict";
document.querySelectorAll("time[data-local]").forEach((element) => {
    const when = new Date(element.dateTime);
    if (Number.isNaN(when.getTime())) {
        return;
    }
    element.title = element.textContent;
    element.textContent = when.toLocaleString(document.documentElement.lang || undefined, {
        year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short",
    });
});
