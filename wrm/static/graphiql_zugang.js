// Accessibility repairs for GraphiQL's own markup (WCAG 2.1 AA, checked with axe-core).
// GraphiQL renders with React and re-renders at will, so the repairs are applied again after
// every change of its DOM; each one only writes when the attribute differs, which keeps the
// observer from feeding itself.
(function () {
  "use strict";

  function setzen(element, name, wert) {
    if (wert === null) {
      if (element.hasAttribute(name)) element.removeAttribute(name);
    } else if (element.getAttribute(name) !== wert) {
      element.setAttribute(name, wert);
    }
  }

  function reparieren(wurzel) {
    // Tabs: GraphiQL puts buttons inside role="tab" (nested interactive controls), and its
    // "add tab" button straight into the list. A named group of buttons, the open one marked
    // as current, says the same without either conflict.
    wurzel.querySelectorAll("ul.graphiql-tabs").forEach(function (liste) {
      setzen(liste, "role", "group");
      setzen(liste, "aria-label", "Geöffnete Abfragen");
    });
    wurzel.querySelectorAll("li.graphiql-tab").forEach(function (reiter) {
      setzen(reiter, "role", "none");
      setzen(reiter, "aria-selected", null);
      var knopf = reiter.querySelector(".graphiql-tab-button");
      if (knopf) setzen(knopf, "aria-current",
                        reiter.classList.contains("graphiql-tab-active") ? "true" : null);
      var schliessen = reiter.querySelector(".graphiql-tab-close");
      if (schliessen) setzen(schliessen, "aria-label",
                             "Reiter " + (knopf ? knopf.textContent : "") + " schließen");
    });
    // The editors' hidden text areas carry the keyboard input: they need a name.
    wurzel.querySelectorAll(".CodeMirror textarea").forEach(function (feld) {
      var name = "Antwort";
      if (feld.closest(".graphiql-query-editor")) {
        name = "Abfrage";
      } else if (feld.closest(".graphiql-editor-tool")) {
        var editoren = feld.closest(".graphiql-editor-tool").querySelectorAll(".graphiql-editor");
        var erster = editoren.length && editoren[0].contains(feld);
        name = erster ? "Variablen (JSON)" : "Kopfzeilen (JSON)";
      }
      setzen(feld, "aria-label", name);
    });
    // Scrolling regions must be reachable by keyboard.
    wurzel.querySelectorAll(".CodeMirror-scroll").forEach(function (bereich) {
      setzen(bereich, "tabindex", "0");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var wurzel = document.getElementById("graphiql");
    reparieren(wurzel);
    new MutationObserver(function () { reparieren(wurzel); }).observe(wurzel, {
      subtree: true, childList: true, attributes: true,
      attributeFilter: ["class", "role", "aria-selected", "aria-label"],
    });
  });
})();
