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

   window.POSTDESK (postdesk.js, written by `postdesk editor-build` from postdesk.toml) holds the
   networks' names, handles and limits. */
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
        h("h2", {}, entry.getIn(["data", "title"]) || "Untitled submission"),
        h("p", {}, "As the networks will show it. The counts are computed as you type; the check on the pull request is exact."),
        cards.length ? h("div", { style: { display: "flex", flexWrap: "wrap", gap: "1.25rem", alignItems: "flex-start" } }, cards)
          : h("p", {}, "Choose at least one network to see its card."));
    },
  });

  window.postdeskXWeightedLength = xWeightedLength;
  window.postdeskPostText = function (data) {
    return postText({ getIn: function (path) { return path.reduce(function (v, k) { return v == null ? v : v[k]; }, { data: data }); } }, "x");
  };
  if (window.CMS) {
    CMS.registerPreviewStyle("cards.css");
    CMS.registerPreviewTemplate("submissions", Preview);
  }
})();
