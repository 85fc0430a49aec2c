// The query page's own script: YASGUI pointed at this server's /sparql, with the graph's
// prefixes and the named queries, and nothing that would reach another address.
"use strict";
(function () {
  var config = JSON.parse(document.getElementById("govkg-config").textContent);
  var endpoint = location.origin + config.endpoint;
  var Yasqe = Yasgui.Yasqe;
  var Yasr = Yasgui.Yasr;
  var prefixLines = Object.keys(config.prefixes).map(function (name) {
    return name + ": <" + config.prefixes[name] + ">";
  });

  // Completion from what is here only: the graph's prefixes (typing "skos:" adds its PREFIX
  // line) and the query's variables. The "class" and "property" completers ask
  // lov.linkeddata.es, and the stock prefix list can be set to ask prefix.cc: both stay off.
  Yasqe.forkAutocompleter("prefixes", {
    name: "govkg-prefixes",
    persistenceId: null,
    get: function () { return Promise.resolve(prefixLines.slice().sort()); }
  }, false);
  var editor = Yasqe.defaults;  // Yasgui.defaults.yasqe is this same object
  editor.autocompleters = ["govkg-prefixes", "variables"];
  editor.prefixCcApi = null;
  editor.createShareableLink = null;  // no share button: a link would carry the query off the page
  editor.createShortLink = null;  // no URL shortener
  editor.consumeShareLink = null;
  editor.requestConfig.endpoint = endpoint;
  editor.requestConfig.method = "POST";
  editor.value = "# Entities, their type and label, most often mentioned first\n" +
    "# (no PREFIX lines needed for the graph's prefixes; Ctrl-Enter runs the query)\n" +
    "SELECT ?entity ?type ?label ?articles WHERE {\n" +
    "  ?entity a ?type ;\n" +
    "          skos:prefLabel ?label ;\n" +
    "          govkg:articleCount ?articles .\n" +
    "}\n" +
    "ORDER BY DESC(?articles) ?label\n" +
    "LIMIT 100\n";
  Yasr.defaults.prefixes = config.prefixes;  // the table shows IRIs as govkg:…, skos:…
  Yasr.defaults.pluginOrder = ["table", "response"];
  Yasr.defaults.defaultPlugin = "table";
  Yasgui.defaults.endpointCatalogueOptions.getData = function () { return [{ endpoint: endpoint }]; };
  Yasgui.defaults.populateFromUrl = false;

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: "govkg-sparql",  // tabs and queries are kept in this browser's localStorage only
    copyEndpointOnNewTab: false
  });
  // a tab kept from an earlier session asks this server too
  yasgui.persistentConfig.getTabs().forEach(function (id) {
    var tab = yasgui.getTab(id);
    if (tab && tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint);
  });

  var menu = document.getElementById("examples");
  var description = document.getElementById("description");
  config.examples.forEach(function (example, index) {
    var option = document.createElement("option");
    option.value = String(index);
    option.textContent = example.name + " — " + example.description;
    menu.appendChild(option);
  });
  function openExample(index) {
    var example = config.examples[index];
    var tab = yasgui.addTab(true, { name: example.name, yasqe: { value: example.query }, requestConfig: { endpoint: endpoint } });
    description.textContent = example.description;
    return tab;
  }
  menu.addEventListener("change", function () {
    if (menu.value === "") return;
    openExample(Number(menu.value));
    menu.value = "";
  });

  window.govkg = { yasgui: yasgui, openExample: openExample, examples: config.examples, ready: true };
}());
