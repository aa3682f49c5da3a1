// The snippet the Embed button offers: an iframe of embed.html with the current settings, and
// a listener that fits the iframe's height to what the embed page reports.

/** The HTML to paste into a blog post; `embedUrl` is embed.html with the settings in its query. */
export function embedSnippet(embedUrl: string): string {
  return `<iframe src="${embedUrl}" title="Causal Structure Playground" width="100%" height="640"
  style="border:0;max-width:760px" loading="lazy" id="causal-playground"></iframe>
<script>
  window.addEventListener('message', (event) => {
    const frame = document.getElementById('causal-playground');
    if (event.source === frame.contentWindow && event.data && event.data.type === 'causal-playground:height')
      frame.style.height = event.data.height + 'px';
  });
</script>`;
}

/** embed.html next to the page at `pageUrl`, with `search` (the settings) as its query. */
export function embedUrl(pageUrl: string, search: string): string {
  const url = new URL('embed.html', pageUrl);
  url.search = search;
  return url.href;
}
