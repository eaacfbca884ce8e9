// newsdesk dashboard: the article view's record panel and layer switches.
// Written for this project. Data comes from the page's JSON island and is only ever put in the
// page as text (textContent) or as a same-site link; never as HTML.
"use strict";

(function () {
  const island = document.getElementById("records");
  const text = document.getElementById("article-text");
  const panel = document.getElementById("panel-body");
  if (!island || !text || !panel) {
    return;
  }
  let records = {};
  try {
    records = JSON.parse(island.textContent);
  } catch (error) {
    return;
  }
  let pinned = null;

  function sameSite(href) {
    // only links the server made: a path on this site or an anchor in this page
    return typeof href === "string" && /^(\/(?![\/\\])|#)/.test(href);
  }

  function element(tag, className, content) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (content !== undefined && content !== null) {
      node.textContent = String(content);
    }
    return node;
  }

  // the records of a highlight and of the highlights around it, innermost first
  function refsAt(target) {
    const refs = [];
    let mark = target instanceof Element ? target.closest(".hl") : null;
    while (mark && text.contains(mark)) {
      for (const ref of (mark.dataset.r || "").split(" ")) {
        if (ref && Object.prototype.hasOwnProperty.call(records, ref) && !refs.includes(ref)) {
          refs.push(ref);
        }
      }
      mark = mark.parentElement ? mark.parentElement.closest(".hl") : null;
    }
    return refs;
  }

  function show(refs) {
    panel.replaceChildren();
    for (const ref of refs) {
      const record = records[ref];
      const section = element("section", "k-" + String(record.kind));
      section.dataset.ref = ref;
      section.append(element("h3", "", record.title));
      const list = element("dl");
      for (const row of record.rows || []) {
        list.append(element("dt", "", row[0]));
        const value = element("dd");
        if (sameSite(row[2])) {
          const link = element("a", "", row[1]);
          link.href = row[2];
          value.append(link);
        } else {
          value.textContent = row[1] === null || row[1] === undefined ? "—" : String(row[1]);
        }
        list.append(value);
      }
      section.append(list);
      const raw = element("details");
      raw.append(element("summary", "", "record (JSON)"));
      raw.append(element("pre", "", JSON.stringify(record.raw, null, 1)));
      section.append(raw);
      panel.append(section);
    }
  }

  function select(mark) {
    for (const old of text.querySelectorAll(".hl.selected")) {
      old.classList.remove("selected");
    }
    pinned = mark;
    if (mark) {
      mark.classList.add("selected");
      show(refsAt(mark));
    }
  }

  text.addEventListener("mouseover", function (event) {
    if (pinned) {
      return;
    }
    const refs = refsAt(event.target);
    if (refs.length) {
      show(refs);
    }
  });

  text.addEventListener("click", function (event) {
    const mark = event.target instanceof Element ? event.target.closest(".hl") : null;
    if (!mark) {
      select(null);
      return;
    }
    if (mark.tagName === "A" && !event.altKey) {
      return; // a quote: follow the link to its speaker's page
    }
    if (mark.closest("a.hl")) {
      event.preventDefault(); // an entity inside a quote: show it rather than leave the page
    }
    select(mark === pinned ? null : mark);
  });

  text.addEventListener("focusin", function (event) {
    const refs = refsAt(event.target);
    if (refs.length) {
      show(refs);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      select(null);
    } else if (event.key === "Enter" && event.target instanceof Element &&
               event.target.matches("mark.hl")) {
      select(event.target);
    }
  });

  // layer switches
  const layers = document.getElementById("layers");
  if (layers) {
    layers.addEventListener("change", function (event) {
      const box = event.target;
      if (box instanceof HTMLInputElement && box.dataset.layer) {
        text.classList.toggle("hide-" + box.dataset.layer, !box.checked);
      }
    });
  }

  // a link to #quote-..., #event-3, #claim-c2 ... shows that record
  function fromHash() {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id ? document.getElementById(id) : null;
    if (target && text.contains(target) && target.classList.contains("hl")) {
      select(target);
    }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
