// Calendar view: on a narrow screen the week scrolls sideways; bring today's column into view.
// Everything else works without this file.
(function () {
  "use strict";
  function showToday() {
    var scroller = document.querySelector(".cal-scroll");
    var today = scroller && scroller.querySelector(".cal-day.is-today");
    if (!today || scroller.scrollWidth <= scroller.clientWidth) return;
    var hours = scroller.querySelector(".cal-hours");
    scroller.scrollLeft = today.offsetLeft - (hours ? hours.offsetWidth : 0);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", showToday);
  else showToday();
})();
