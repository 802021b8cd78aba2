// The relationship graph of a lead: cytoscape.js with the fcose layout, one hop at a time.
(function () {
  "use strict";
  var box = document.getElementById("graph");
  if (!box || typeof cytoscape === "undefined") return;
  cytoscape.use(cytoscapeFcose);
  var lead = box.dataset.lead;
  var picker = document.getElementById("graph-node");
  var cy = cytoscape({
    container: box,
    wheelSensitivity: 0.3,
    maxZoom: 1.6,
    style: [
      { selector: "node", style: { "font-family": getComputedStyle(document.body).fontFamily, label: "data(label)", "font-size": 11, "text-wrap": "ellipsis", "text-max-width": 140, "text-valign": "bottom", "text-margin-y": 4, color: "#1b1f24", width: 22, height: 22 } },
      { selector: "node[kind = 'person']", style: { "background-color": "#0b5cad" } },
      { selector: "node[kind = 'org']", style: { "background-color": "#17603a", shape: "round-rectangle" } },
      { selector: "node[kind = 'record']", style: { "background-color": "#8a929b", shape: "rectangle", width: 14, height: 14 } },
      { selector: "node[?evidence]", style: { "border-width": 3, "border-color": "#7a1f1f" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#f0a500" } },
      { selector: "edge", style: { "font-family": getComputedStyle(document.body).fontFamily, width: 1.5, "line-color": "#aab2bb", label: "data(text)", "font-size": 9, color: "#4f5761", "text-background-color": "#fbfcfd", "text-background-opacity": 1, "curve-style": "bezier" } }
    ]
  });

  function add(graph) {
    var added = [];
    graph.nodes.forEach(function (n) {
      if (cy.getElementById(n.id).empty()) {
        added.push({ group: "nodes", data: n });
        var option = document.createElement("option");
        option.value = n.id; option.textContent = n.label;
        picker.appendChild(option);
      }
    });
    graph.edges.forEach(function (e) {
      if (cy.getElementById(e.id).empty()) {
        var text = e.role + (e.probability === null ? "" : " " + e.probability.toFixed(2));
        added.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target, text: text } });
      }
    });
    cy.add(added);
    cy.layout({ name: "fcose", animate: false, randomize: false, nodeRepulsion: 6000, idealEdgeLength: 90 }).run();
    box.dataset.nodes = String(cy.nodes().length);
  }

  function load(node) {
    var url = "/leads/" + encodeURIComponent(lead) + "/graph" + (node ? "?node=" + encodeURIComponent(node) : "");
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(add);
  }

  cy.on("dbltap", "node", function (event) { load(event.target.id()); });
  document.getElementById("graph-expand").addEventListener("click", function () {
    if (picker.value) load(picker.value);
  });
  document.fonts.ready.then(function () { load(null); });
})();
