// The query page: YASGUI on the project's endpoint, the saved queries as examples,
// and every IRI of this graph in the results linked to its page here.
(function () {
  "use strict";
  const examples = JSON.parse(document.getElementById("examples").textContent);
  const settings = JSON.parse(document.getElementById("settings").textContent);
  const byName = Object.fromEntries(examples.map((e) => [e.name, e]));

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: settings.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: settings.endpoint }] },
    // Nothing is remembered between visits, so a link to an example always shows that example.
    persistenceId: null,
    yasqe: {
      value: settings.prologue + "\nSELECT ?round ?number WHERE {\n  ?round a ap:Round ; ap:roundNumber ?number .\n} ORDER BY ?number\n",
      // The class and property completers ask an outside service; the graph stays on this machine.
      autocompleters: ["prefixes", "variables"],
    },
  });

  // An IRI of this graph leads to its page on this site, not to w3id.org.
  function localise(root) {
    for (const anchor of root.querySelectorAll("a[href^='" + settings.base + "']")) {
      const target = settings.pageFor(anchor.getAttribute("href"));
      if (target) {
        anchor.setAttribute("href", target);
        anchor.removeAttribute("target");
      }
    }
  }
  settings.pageFor = function (iri) {
    const rest = iri.slice(settings.base.length);
    if (!rest) return null;
    const [path, fragment] = rest.split("#");
    return settings.pagePrefix + path + settings.pageSuffix + (fragment ? "#" + fragment : "");
  };
  const observer = new MutationObserver(() => localise(document.getElementById("yasgui")));
  observer.observe(document.getElementById("yasgui"), { childList: true, subtree: true });

  function run(name) {
    const example = byName[name];
    if (!example) return;
    const tab = yasgui.getTab();
    tab.setQuery(example.query);
    tab.query();
  }
  for (const button of document.querySelectorAll("button.run")) {
    button.addEventListener("click", () => run(button.dataset.query));
  }
  const asked = new URLSearchParams(window.location.search).get("example");
  if (asked) run(asked);
})();
