// French locale of the charts: the plotly package ships no locale file, so the months, days, decimal comma and
// the mode bar's words are declared here in plotly's locale format (months as the CLDR abbreviates them, the
// same as unit/labels.month_label: « janv. », « mai »). charts.js draws with it when the page is in French.
(function () {
  "use strict";
  if (typeof Plotly === "undefined") { return; }
  Plotly.register({
    moduleType: "locale",
    name: "fr",
    dictionary: {
      "Autoscale": "Échelle automatique",
      "Box Select": "Sélection rectangulaire",
      "Compare data on hover": "Comparer les données au survol",
      "Double-click to zoom back out": "Double-cliquez pour dézoomer",
      "Download plot": "Télécharger le graphique",
      "Download plot as a PNG": "Télécharger le graphique en PNG",
      "Lasso Select": "Sélection lasso",
      "Pan": "Déplacer",
      "Produced with Plotly.js": "Réalisé avec Plotly.js",
      "Reset axes": "Réinitialiser les axes",
      "Reset view": "Réinitialiser la vue",
      "Show closest data on hover": "Afficher la donnée la plus proche au survol",
      "Snapshot succeeded": "Image enregistrée",
      "Taking snapshot - this may take a few seconds": "Création de l'image, quelques secondes…",
      "Toggle Spike Lines": "Afficher ou masquer les repères",
      "Zoom": "Zoom",
      "Zoom in": "Zoom avant",
      "Zoom out": "Zoom arrière"
    },
    format: {
      days: ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
      shortDays: ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
      months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
               "novembre", "décembre"],
      shortMonths: ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
                    "déc."],
      periods: ["", ""],
      dateTime: "%A %e %B %Y, %X",
      date: "%d/%m/%Y",
      time: "%H:%M:%S",
      decimal: ",",
      thousands: "\u202f",
      grouping: [3],
      currency: ["", "\u00a0€"],
      year: "%Y",
      month: "%b %Y",
      dayMonth: "%-d %b",
      dayMonthYear: "%-d %b %Y"
    }
  });
})();
