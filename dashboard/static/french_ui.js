// Streamlit's own words have no French locale: the labels screen readers read (« Collapse
// sidebar », « Help for … », « Remove … »), the tooltip of a code block's copy button, a
// table column's menu (« Hide column »…), the running indicator (« Running… », « Stop ») and
// a list's « No results » and the message of an unexpected error are put in French as
// Streamlit draws them. Only Streamlit's own words, matched whole: an attribute that repeats
// its element's text (an option, a chip: data from the exports) is never touched. Loaded once
// per browser tab by app.py (st.html).
(() => {
  if (window.omlotFrenchUi) return;
  window.omlotFrenchUi = true;
  // the page's language (Streamlit's page says English: a browser offered to translate it
  // « from English », and a screen reader read French words with English sounds)
  document.documentElement.lang = "fr";
  const WORDS = {
    // the link a keyboard's first Tab shows at the top of every page, and a multi-select's
    // list of chosen values as a screen reader names it
    "Skip to main content": "Aller au contenu principal",
    "Selected values": "Valeurs choisies",
    "Collapse sidebar": "Replier le panneau",
    "Expand sidebar": "Déplier le panneau",
    "Sidebar": "Panneau latéral",
    "App pages": "Pages",
    "Running...": "Calcul en cours…",
    "Stop": "Arrêter",
    "Stopping...": "Arrêt en cours…",
    "Copy to clipboard": "Copier",
    "Copied": "Copié",
    "Clear all": "Tout effacer",
    "Open": "Ouvrir",
    "Close": "Fermer",
    "Increment": "Augmenter",
    "Decrement": "Diminuer",
    "Link to heading": "Lien vers ce titre",
    "Choose an option": "Choisir",
    "No results": "Aucun résultat",
    "Dataframe column menu": "Menu de la colonne",
    "Sort ascending": "Trier par ordre croissant",
    "Sort descending": "Trier par ordre décroissant",
    "Autosize": "Largeur automatique",
    "Pin column": "Épingler la colonne",
    "Unpin column": "Détacher la colonne",
    "Hide column": "Masquer la colonne",
    "Show password": "Afficher le mot de passe",
    "Hide password": "Masquer le mot de passe",
    "Connecting": "Connexion…",
    "Please wait...": "Veuillez patienter…",
    // the dialog shown when the server stops (its command is Streamlit's, not ours)
    "Connection error": "Connexion perdue",
    ["Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in " +
     "your terminal:"]:
      "Le serveur du tableau de bord ne répond plus. S'il a été arrêté, relancez-le dans un " +
      "terminal, dans le dossier du projet :",
    "streamlit run yourscript.py": "make run",
    "Streamlit server is not responding. Are you connected to the internet?":
      "Le serveur du tableau de bord ne répond pas. La connexion réseau est-elle active ?",
    // a link to a page that does not exist (a page's old or mistyped address)
    "Page not found": "Page introuvable",
    "The page that you have requested does not seem to exist. Running the app's main page.":
      "Cette page n'existe pas (adresse ancienne ou mal recopiée) : voici la page d'accueil.",
    // an unexpected error, its details kept in the server's log (client.showErrorDetails)
    ["This app has encountered an error. The original error message is redacted to prevent " +
     "data leaks. Full error details have been recorded in the logs (if you're on Streamlit " +
     "Cloud, click on 'Manage app' in the lower right of your app)."]:
      "Une erreur inattendue est survenue. Son détail n'est pas affiché ici : il est " +
      "enregistré dans le journal du serveur. Signalez-la à la personne qui gère le tableau " +
      "de bord.",
  };
  const PREFIXES = [["Help for ", "Aide : "], ["Remove ", "Retirer "]];
  const ATTRIBUTES = ["aria-label", "title", "placeholder"];
  // where Streamlit writes text of its own (never a table's or a chart's data); a list of
  // options holds data: there, only its empty state is Streamlit's
  const OWN_TEXT = [
    '[role="menu"]', '[role="tooltip"]', '[data-baseweb="tooltip"]', '[role="listbox"]',
    '[data-testid="stStatusWidget"]', '[data-testid="stConnectionStatus"]',
    '[data-testid="stExceptionMessage"]', '[role="dialog"]', '[data-testid="stSkipToContent"]',
  ].join(", ");
  const IN_LISTS = new Set(["No results"]);
  // a table column's « Statistics » (Values, Empty, Distinct…, with English decimals): its
  // entry is hidden rather than half translated; the downloads hold every figure
  const HIDDEN_ENTRIES = new Set(["Statistics"]);

  const french = (value) => {
    if (Object.hasOwn(WORDS, value)) return WORDS[value];
    for (const [english, translated] of PREFIXES) {
      if (value.startsWith(english)) return translated + value.slice(english.length);
    }
    return null;
  };

  const translateAttributes = (element) => {
    for (const name of ATTRIBUTES) {
      const value = element.getAttribute(name);
      if (!value || value === element.textContent.trim()) continue;
      const translated = french(value);
      if (translated !== null && translated !== value) element.setAttribute(name, translated);
    }
  };

  const translateText = (root) => {
    const list = root.matches('[role="listbox"]');
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const value = node.nodeValue.trim();
      if (HIDDEN_ENTRIES.has(value)) {
        const entry = node.parentElement.closest('[role="menuitem"]');
        if (entry) entry.style.display = "none";
        continue;
      }
      if (!value || !Object.hasOwn(WORDS, value) || (list && !IN_LISTS.has(value))) continue;
      node.nodeValue = node.nodeValue.replace(value, WORDS[value]);
    }
  };

  const translate = (root) => {
    if (root.nodeType === Node.TEXT_NODE) {
      const own = root.parentElement && root.parentElement.closest(OWN_TEXT);
      if (own) translateText(own);
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    translateAttributes(root);
    for (const element of root.querySelectorAll("[aria-label], [title], [placeholder]")) {
      translateAttributes(element);
    }
    const own = root.closest(OWN_TEXT);
    for (const box of own ? [own] : root.querySelectorAll(OWN_TEXT)) translateText(box);
  };

  // French typography in every text the pages write (ours and the exports'): a no-break
  // space before « : », « ; », « ! », « ? » and « » » and after « « », so that a line never
  // starts with « : 30,3 % » on a phone, and around the slash of counts (« (106 / 350) » was
  // cut after « 106 / »). Code (the guide's commands), fields and charts (their line breaks
  // are their own) are left as they are.
  const LOOSE = / ([:;!?»])|« |(?<=\d) \/ (?=\d)/g;
  const AS_TYPED = "code, pre, textarea, input, .js-plotly-plot, script, style";
  const typeset = (node) => {
    const value = node.nodeValue;
    if (!value || !(value.includes(" ") && /[:;!?»«/]/.test(value))) return;
    if (node.parentElement && node.parentElement.closest(AS_TYPED)) return;
    const set = value.replace(LOOSE, (loose, mark) =>
      mark ? "\u00a0" + mark : loose === "« " ? "«\u00a0" : "\u00a0/\u00a0");
    if (set !== value) node.nodeValue = set;
  };
  const typesetAll = (root) => {
    if (root.nodeType === Node.TEXT_NODE) return typeset(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) typeset(node);
  };

  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      if (mutation.type === "attributes") translateAttributes(mutation.target);
      else if (mutation.type === "characterData") {
        translate(mutation.target);
        typeset(mutation.target);
      } else {
        mutation.addedNodes.forEach(translate);
        mutation.addedNodes.forEach(typesetAll);
      }
    }
  }).observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: ATTRIBUTES,
  });
  translate(document.body);
  typesetAll(document.body);
})();
