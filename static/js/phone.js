// Lianxin: two small page helpers, no framework; without scripts every page works as plain HTML.
// 1. <details data-open-wide> opens on a wide screen (the advice beside a demand's next step) and stays
//    folded on a phone.
// 2. <select data-picker> (the deputies, grouped by cell in <optgroup>s) becomes a searchable list: a filter
//    box above one checkbox (several) or radio button (one) per deputy, under their cell's heading. The select
//    stays in the form, hidden, and carries what is chosen, so the server sees the same field as without scripts.
(function () {
  "use strict";
  if (window.matchMedia("(min-width: 900px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
  }

  var serial = 0;

  function picker(select) {
    serial += 1;
    var multiple = select.multiple;
    var words = {  // from the widget's attributes (lianxin/people/forms.py), in the page's language
      filter: select.dataset.pickerFilter, none: select.dataset.pickerNone,
      chosen: select.dataset.pickerChosen, nobody: select.dataset.pickerNobody
    };
    var id = select.id || "picker-" + serial;
    var box = document.createElement("div");
    box.className = "picker";
    box.setAttribute("data-picker-for", select.name);
    var search = document.createElement("input");
    search.type = "search";
    search.className = "picker-filter";
    search.placeholder = words.filter;
    search.setAttribute("aria-label", words.filter);
    search.setAttribute("aria-controls", id + "-list");
    search.autocomplete = "off";
    var list = document.createElement("div");
    list.className = "picker-list";
    list.id = id + "-list";
    var empty = document.createElement("p");
    empty.className = "picker-empty hint";
    empty.textContent = words.none;
    empty.hidden = true;
    var summary = document.createElement("p");
    summary.className = "picker-chosen hint";
    summary.setAttribute("aria-live", "polite");

    var inputs = [];
    function add(option, into) {
      if (!option.value) { return; }  // the empty choice: choosing nobody is unticking everybody
      var label = document.createElement("label");
      label.className = "check";
      var input = document.createElement("input");
      input.type = multiple ? "checkbox" : "radio";
      input.name = id + "-pick";  // not submitted under the field's name: the select carries the value
      input.value = option.value;
      input.checked = option.selected;
      if (!multiple && select.required) { input.required = true; }
      input.addEventListener("change", function () {
        if (!multiple) { Array.prototype.forEach.call(select.options, function (o) { o.selected = false; }); }
        option.selected = input.checked;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        tell();
      });
      label.appendChild(input);
      label.appendChild(document.createTextNode(option.textContent));
      label.dataset.text = (option.textContent + " " + (option.parentNode.label || "")).toLowerCase();
      into.appendChild(label);
      inputs.push({ input: input, label: label, option: option });
    }
    Array.prototype.forEach.call(select.children, function (child) {
      if (child.tagName === "OPTGROUP") {
        var group = document.createElement("fieldset");
        group.className = "picker-group";
        var legend = document.createElement("legend");
        legend.textContent = child.label;
        group.appendChild(legend);
        Array.prototype.forEach.call(child.children, function (o) { add(o, group); });
        list.appendChild(group);
      } else {
        add(child, list);
      }
    });

    function tell() {
      var names = inputs.filter(function (i) { return i.input.checked; }).map(function (i) { return i.option.textContent; });
      summary.textContent = words.chosen + " " + (names.length ? names.join("、") : words.nobody);
    }
    search.addEventListener("input", function () {
      var q = search.value.trim().toLowerCase();
      var shown = 0;
      inputs.forEach(function (i) {
        var hit = !q || i.label.dataset.text.indexOf(q) !== -1;
        i.label.hidden = !hit;
        if (hit) { shown += 1; }
      });
      list.querySelectorAll(".picker-group").forEach(function (g) {
        g.hidden = !g.querySelector("label:not([hidden])");
      });
      empty.hidden = shown > 0;
    });
    search.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {  // Enter in the filter picks the only match instead of sending the form
        e.preventDefault();
        var visible = inputs.filter(function (i) { return !i.label.hidden; });
        if (visible.length === 1) { visible[0].input.click(); }
      }
    });

    box.appendChild(search);
    box.appendChild(list);
    box.appendChild(empty);
    box.appendChild(summary);
    select.required = false;  // a hidden control cannot take the browser's "fill this in"; the server checks
    select.hidden = true;
    select.insertAdjacentElement("afterend", box);
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label) {  // the field's label now names the filter box, which is where the keyboard goes
      search.id = select.id + "-filter";
      label.htmlFor = search.id;
      search.removeAttribute("aria-label");  // an aria-label would hide the label's name
      search.title = words.filter;
    }
    tell();
  }

  document.querySelectorAll("select[data-picker]").forEach(picker);
})();
