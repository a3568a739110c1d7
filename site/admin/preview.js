/* postdesk's preview in the web editor: the same cards as `postdesk preview` (same markup, the
   shared theme/static/css/cards.css), with a live X character count.

   What is shown is an approximation made in the browser, as the staff member types:
   - the post text follows tools/postdesk/posttext.py (Markdown markers dropped, [words](url) ->
     "words (url)", list items with "•", the link added unless already in the text, missing
     hashtags as a last line);
   - the X count follows twitter-text v3 (PLATFORMS.md, "Text"): NFC; code points in
     0-4351, 8192-8205, 8208-8223, 8242-8247 weigh 1, everything else 2; an emoji sequence
     weighs 2; a URL weighs 23 (URLs are found with a simpler pattern than twitter-text's).
   `postdesk check` on the pull request gives the exact count; it decides.

   Above the cards, "Checks before you save" runs the checks that can run in the browser, in the
   form's words: the rules `postdesk editor-build` wrote from the one schema into postdesk.js
   (required and required-when fields, lengths, patterns, the photo declarations, the confirmation),
   each network's length, and a plausible window for dates (a year back, two ahead: a mistyped year).
   Before a save, the same checks run again and a mistake stops the save (Sveltia's preSave hook),
   so nothing that fails them leaves the browser; the same hook writes a photo as media/NAME, the
   form `postdesk check` expects (Sveltia itself writes /media/NAME).

   window.POSTDESK (postdesk.js, written by `postdesk editor-build` from postdesk.toml and the
   schema) holds the networks' names, handles and limits and the check rules. */
(function () {
  "use strict";
  var settings = window.POSTDESK || { channels: {} };

  var LIGHT = [[0, 4351], [8192, 8205], [8208, 8223], [8242, 8247]];
  var URL = /(?:https?:\/\/)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?::\d+)?(?:\/[^\s]*[^\s.,;:!?)\]'"])?/gi;
  var EMOJI = /(?:\p{Extended_Pictographic}|\p{Regional_Indicator}{2})(?:\uFE0F|\p{Emoji_Modifier})*(?:\u200D(?:\p{Extended_Pictographic})(?:\uFE0F|\p{Emoji_Modifier})*)*|[#*0-9]\uFE0F?\u20E3/gu;

  function weightOf(codePoint) {
    for (var i = 0; i < LIGHT.length; i++) {
      if (codePoint >= LIGHT[i][0] && codePoint <= LIGHT[i][1]) return 1;
    }
    return 2;
  }

  function plainWeight(text) {
    var total = 0;
    var rest = text.replace(EMOJI, function () { total += 2; return ""; });
    for (var ch of rest) total += weightOf(ch.codePointAt(0));
    return total;
  }

  /* X's weighted length of a text (approximate; see above). */
  function xWeightedLength(text) {
    var nfc = text.normalize("NFC").replace(/\r\n/g, "\n");
    var total = 0;
    var last = 0;
    nfc.replace(URL, function (match, offset) {
      if (!/[.]/.test(match)) return match;
      total += plainWeight(nfc.slice(last, offset)) + 23;
      last = offset + match.length;
      return match;
    });
    return total + plainWeight(nfc.slice(last));
  }

  function inline(text) {
    return text
      .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
      .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, function (_m, words, url) { return words === url ? url : words + " (" + url + ")"; })
      .replace(/<[^>]+>/g, "")
      .replace(/(\*\*|__)(.+?)\1/g, "$2")
      .replace(/(\*|_)(.+?)\1/g, "$2")
      .replace(/`([^`]+)`/g, "$1")
      .replace(/\\([\\`*_{}\[\]()#+\-.!])/g, "$1");
  }

  /* Markdown -> the plain text a network shows (tools/postdesk/posttext.py, simplified). */
  function markdownToPlain(markdown) {
    var blocks = (markdown || "").replace(/\r\n?/g, "\n").split(/\n{2,}/);
    var out = [];
    blocks.forEach(function (block) {
      var lines = block.split("\n").filter(function (line) { return line.trim() !== ""; });
      if (!lines.length) return;
      if (lines.every(function (line) { return /^\s*(?:[-*+]|\d+[.)])\s+/.test(line); })) {
        out.push(lines.map(function (line) { return "• " + inline(line.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, "").trim()); }).join("\n"));
      } else {
        out.push(inline(lines.map(function (line) { return line.replace(/^#{1,6}\s+|^>\s?/, "").trim(); }).join(" ")));
      }
    });
    return out.join("\n\n").trim();
  }

  function postText(entry, channel) {
    var override = entry.getIn(["data", "text", channel]);
    var text = markdownToPlain(override || entry.getIn(["data", "body"]) || "");
    var link = entry.getIn(["data", "link"]);
    if (link && text.indexOf(link) === -1) text = text ? text + "\n\n" + link : link;
    var tags = entry.getIn(["data", "hashtags"]);
    tags = tags && tags.toJS ? tags.toJS() : (tags || []);
    var missing = tags.filter(function (tag) {
      return tag && !new RegExp("#" + tag + "(?![A-Za-z0-9_])", "i").test(text);
    }).map(function (tag) { return "#" + tag; });
    if (missing.length) text = text ? text + "\n\n" + missing.join(" ") : missing.join(" ");
    return text;
  }

  function initials(name) {
    var words = name.replace(/'/g, "").split(/\s+/).filter(function (word) { return /^\p{L}/u.test(word); });
    return words.slice(0, 2).map(function (word) { return word[0].toUpperCase(); }).join("");
  }

  /* The length in the network's unit and the split at its limit. */
  function measure(text, channel, limit) {
    if (channel !== "x") {
      var chars = Array.from(text);
      return { length: chars.length, within: chars.slice(0, limit).join(""), over: chars.slice(limit).join("") };
    }
    var length = xWeightedLength(text);
    if (length <= limit) return { length: length, within: text, over: "" };
    var chars2 = Array.from(text);
    var cut = chars2.length;
    while (cut > 0 && xWeightedLength(chars2.slice(0, cut).join("")) > limit) cut--;
    return { length: length, within: chars2.slice(0, cut).join(""), over: chars2.slice(cut).join("") };
  }


  /* ---------------------------------------------------------------- checks before you save */

  var CHECKS = settings.checks || { rules: [], pulls_url: "" };

  function plain(value) { return value && value.toJS ? value.toJS() : value; }

  function isEmpty(value) {
    return value === undefined || value === null || value === "" ||
      (Array.isArray(value) && value.length === 0) ||
      (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0);
  }

  /* The values at a rule's path: [{value, where, item}] ("*" is each item of a list). */
  function valuesAt(data, path) {
    var found = [{ value: data, where: "", item: null }];
    path.forEach(function (step) {
      var next = [];
      found.forEach(function (f) {
        if (step === "*") {
          (Array.isArray(f.value) ? f.value : []).forEach(function (item, i) {
            next.push({ value: item, where: f.where, item: i + 1, itemValue: item });
          });
        } else if (f.value && typeof f.value === "object") {
          next.push({ value: f.value[step], where: f.where, item: f.item, itemValue: f.itemValue });
        } else {
          next.push({ value: undefined, where: f.where, item: f.item, itemValue: f.itemValue, parentMissing: true });
        }
      });
      found = next;
    });
    return found;
  }

  function conditionHolds(data, when, found) {
    var star = when.path.indexOf("*");
    var value = star === -1 ? valuesAt(data, when.path)[0].value
      : (found.itemValue || {})[when.path[when.path.length - 1]];
    return when.values.indexOf(value) !== -1;
  }

  function dateProblem(value, window_) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!m) return "";
    var day = Date.UTC(+m[1], +m[2] - 1, +m[3]);
    var now = new Date();
    var today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
    var days = (day - today) / 86400000;
    if (days < -window_.past || days > window_.future) return "the year " + m[1] + " looks mistyped";
    return "";
  }

  function shown(values) {
    return values.map(function (v) { return v === true ? "on" : String(v); }).join(" or ");
  }

  /* Every mistake the browser can see, as plain sentences with the form's labels. */
  function findMistakes(data) {
    data = data || {};
    var out = [];
    CHECKS.rules.forEach(function (rule) {
      valuesAt(data, rule.path).forEach(function (found) {
        if (found.parentMissing && !rule.when) return;  // an optional group left off
        var value = found.value;
        var isPhoto = rule.path[rule.path.length - 1] === "file";  // the editor fills it in: only its presence matters
        var where = (rule.group ? rule.group + (found.item ? " " + found.item : "") + ": " : "");
        var name = "\u201c" + rule.label + "\u201d";
        var needed = rule.required && !found.parentMissing;
        var because = "";
        if (rule.when && conditionHolds(data, rule.when, found)) {
          needed = true;
          because = " (needed when \u201c" + rule.when.label + "\u201d is " + shown(rule.when.values) + ")";
        }
        if (rule.const === true || (rule.when && rule.when.const === true && needed)) {
          if (value !== true && needed) out.push(where + "Turn on " + name + because + ".");
          return;
        }
        if (isEmpty(value)) {
          if (needed) {
            if (rule.path.length === 1 && rule.when && CHECKS.rules.some(function (r) { return r.group === rule.label && r.required; })) {
              var inner = CHECKS.rules.filter(function (r) { return r.group === rule.label && r.required; })
                .map(function (r) { return "\u201c" + r.label + "\u201d"; }).join(", ");
              out.push("Add " + name + " and fill in " + inner + because + ".");
            } else {
              out.push(where + "Fill in " + name + because + ".");
            }
          }
          return;
        }
        if (Array.isArray(value)) {
          if (rule.min_items && value.length < rule.min_items) out.push("Choose at least " + rule.min_items + " in " + name + ".");
          if (rule.max_items && value.length > rule.max_items) out.push("Choose at most " + rule.max_items + " in " + name + ".");
          return;
        }
        if (typeof value !== "string") return;
        var length = Array.from(value).length;
        if ((rule.min_length && length < rule.min_length) || (rule.max_length && length > rule.max_length)) {
          out.push(where + name + " must be " + (rule.min_length || 0) + " to " + (rule.max_length || "any number of") +
                   " characters long (now " + length + ").");
        } else if (rule.pattern && !isPhoto && !new RegExp(rule.pattern).test(value)) {
          out.push(where + name + ": " + (rule.pattern_message || "check this value."));
        } else if (rule.date) {
          var problem = dateProblem(value, CHECKS.date_window_days);
          if (problem) out.push(where + name + ": " + problem + " (" + value + "). Pick the day again in the calendar.");
        }
      });
    });
    (plain(data.channels) || []).forEach(function (name) {
      var net = settings.channels[name];
      if (!net) return;
      var text = postText(entryOf(data), name);
      var m = measure(text, name, net.limit);
      if (m.length > net.limit) {
        out.push("The " + net.label + " post is " + m.length.toLocaleString("en-US") + " of " + net.limit.toLocaleString("en-US") +
                 " " + net.unit + ": " + (m.length - net.limit).toLocaleString("en-US") + " over. Shorten \u201cPost text\u201d or add a shorter \u201cText for " + net.label + "\u201d.");
      }
    });
    return out;
  }

  function entryOf(data) {
    return { getIn: function (path) { return path.reduce(function (v, k) { return v == null ? v : v[k]; }, { data: data }); } };
  }

  function ChecksPanel(props) {
    var mistakes = findMistakes(props.data);
    return h("section", { className: "pd-checks", "aria-labelledby": "pd-checks-title", "data-count": mistakes.length,
                          style: { border: "2px solid " + (mistakes.length ? "#b3261e" : "#1b6e3a"), borderRadius: "8px", padding: "0.75rem 1rem", margin: "0 0 1rem" } },
      h("h3", { id: "pd-checks-title", style: { margin: "0 0 0.5rem" } },
        mistakes.length ? "Checks before you save: " + mistakes.length + " to fix" : "Checks before you save: nothing to fix"),
      mistakes.length ? h("ul", { className: "pd-mistakes" }, mistakes.map(function (text, i) { return h("li", { key: i }, text); }))
        : h("p", {}, "The checks that can run here found nothing."),
      h("p", { className: "pd-after-save" }, "After you save, the full check runs on your submission's pull request",
        CHECKS.pulls_url ? [": ", h("a", { key: "a", href: CHECKS.pulls_url, target: "_blank", rel: "noopener" }, "see the pull requests on GitHub")] : null,
        ". The communications team sees the same result."));
  }

  /* Normalise what the editor writes: a photo as media/NAME (postdesk check's form). */
  function normalised(data) {
    return data.update ? data.update("images", function (images) {
      return images && images.map ? images.map(function (image) {
        return image && image.update ? image.update("file", function (file) {
          return typeof file === "string" ? file.replace(/^\/media\//, "media/") : file;
        }) : image;
      }) : images;
    }) : data;
  }

  var Preview = createClass({
    render: function () {
      var entry = this.props.entry;
      var getAsset = this.props.getAsset;
      var channels = entry.getIn(["data", "channels"]);
      channels = channels && channels.toJS ? channels.toJS() : (channels || []);
      var images = entry.getIn(["data", "images"]);
      images = images && images.toJS ? images.toJS() : (images || []);
      var cards = channels.filter(function (name) { return settings.channels[name]; }).map(function (name) {
        var net = settings.channels[name];
        var text = postText(entry, name);
        var m = measure(text, name, net.limit);
        var over = m.length > net.limit;
        var photos = images.filter(function (image) { return image && image.file; });
        return h("article", { key: name, className: "pd-card pd-card--" + name, "aria-label": net.label + " post", "data-channel": name },
          h("header", { className: "pd-header" },
            h("span", { className: "pd-avatar", "aria-hidden": "true" }, initials(net.display_name)),
            h("span", {},
              h("span", { className: "pd-name" }, net.display_name),
              net.handle ? h("span", { className: "pd-handle" }, " " + net.handle) : null,
              h("span", { className: "pd-network" }, " on " + net.label))),
          h("p", { className: "pd-text" }, m.within,
            m.over ? h("span", { className: "pd-overflow", title: "Over the " + net.label + " limit" }, m.over) : null),
          photos.length ? h("div", { className: "pd-media pd-media--" + photos.length }, photos.map(function (photo, i) {
            var asset = getAsset(photo.file);
            return h("img", { key: i, src: asset ? asset.toString() : "", alt: photo.alt || "", title: photo.alt || "" });
          })) : null,
          h("p", { className: "pd-count" + (over ? " pd-count--over" : ""), "data-length": m.length, "data-limit": net.limit },
            m.length.toLocaleString("en-US") + " / " + net.limit.toLocaleString("en-US") + " " + net.unit +
            (over ? ": " + (m.length - net.limit).toLocaleString("en-US") + " over" : "")),
          photos.map(function (photo, i) {
            return h("p", { key: "alt" + i, className: "pd-alt" }, "Photo " + (i + 1) + " alt text: " + (photo.alt || "(missing)"));
          }));
      });
      return h("div", { className: "pd-editor-preview", style: { fontFamily: "system-ui, sans-serif", padding: "1rem" } },
        h(ChecksPanel, { data: plain(entry.get("data")) }),
        h("h2", {}, entry.getIn(["data", "title"]) || "Untitled submission"),
        h("p", {}, "As the networks will show it. The counts are computed as you type; the check on the pull request is exact."),
        cards.length ? h("div", { style: { display: "flex", flexWrap: "wrap", gap: "1.25rem", alignItems: "flex-start" } }, cards)
          : h("p", {}, "Choose at least one network to see its card."));
    },
  });


  /* ---------------------------------------------------------------- photos refused before upload */

  /* Sveltia re-encodes every photo it accepts (config.yml's transformations: location and camera
     details are dropped), but it takes a HEIC file as a plain file and measures the size after
     re-encoding. So the editor's own upload path (the file chooser and drag and drop) refuses
     them first, with a message, before Sveltia sees the file. */
  var MAX_BYTES = settings.max_photo_bytes || 0;

  function refusal(file) {
    var name = "\u201c" + file.name + "\u201d";
    if (/\.(heic|heif)$/i.test(file.name) || /^image\/hei[cf]/i.test(file.type)) {
      return name + " is a HEIC photo (the iPhone's own format), which the networks do not take. Save it as JPEG " +
        "(on the iPhone: Settings, Camera, Formats, Most Compatible; or send it to yourself by e-mail), then upload it again.";
    }
    if (MAX_BYTES && file.size > MAX_BYTES) {
      return name + " is " + (file.size / 1e6).toFixed(1) + " MB; a photo can be at most " + (MAX_BYTES / 1e6).toFixed(0) +
        " MB. Make it smaller (for example send it by e-mail at a smaller size), then upload it again.";
    }
    return "";
  }

  function showNotice(heading, messages) {
    var box = document.getElementById("pd-notice");
    if (!box) {
      box = document.createElement("div");
      box.id = "pd-notice";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;z-index:2147483647;left:1rem;right:1rem;bottom:1rem;max-width:40rem;margin:auto;" +
        "background:#fff;color:#1a1a1a;border:3px solid #b3261e;border-radius:8px;padding:1rem;font:16px/1.4 system-ui,sans-serif";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("strong");
    title.textContent = heading;
    box.appendChild(title);
    messages.forEach(function (text) {
      var line = document.createElement("p");
      line.textContent = text;
      box.appendChild(line);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    close.addEventListener("click", function () { box.remove(); });
    box.appendChild(close);
  }

  function guardFiles(event, files) {
    var messages = Array.prototype.map.call(files || [], refusal).filter(Boolean);
    if (!messages.length) return;
    event.stopImmediatePropagation();
    event.preventDefault();
    if (event.target && event.target.value !== undefined) event.target.value = "";
    showNotice("Photo not added", messages);
  }

  window.addEventListener("change", function (event) {
    if (event.target && event.target.type === "file") guardFiles(event, event.target.files);
  }, true);
  window.addEventListener("drop", function (event) {
    if (event.dataTransfer) guardFiles(event, event.dataTransfer.files);
  }, true);

  window.postdeskXWeightedLength = xWeightedLength;
  window.postdeskFindMistakes = findMistakes;
  window.postdeskPostText = function (data) {
    return postText({ getIn: function (path) { return path.reduce(function (v, k) { return v == null ? v : v[k]; }, { data: data }); } }, "x");
  };
  if (window.CMS) {
    CMS.registerPreviewStyle("cards.css");
    CMS.registerPreviewTemplate("submissions", Preview);
    CMS.registerEventListener({
      name: "preSave",
      handler: function (event) {
        var data = normalised(event.entry.get("data"));
        var mistakes = findMistakes(plain(data));
        if (mistakes.length) {
          /* Sveltia shows only a generic error for a refused save: say what to fix, in the form's words. */
          showNotice("Not saved yet: " + mistakes.length + " thing" + (mistakes.length > 1 ? "s" : "") +
                     " to fix (also listed under Checks before you save, in the preview)", mistakes);
          throw new Error("Not saved: " + mistakes.length + " thing(s) to fix. " + mistakes.join(" "));
        }
        return data;
      },
    });
  }
})();
