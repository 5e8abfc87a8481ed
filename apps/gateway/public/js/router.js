// Hash routes (#/incidents, #/incidents/<id>, #/events?type=...): every view has an address
// that can be bookmarked or linked to, and the browser's back button works, with no server
// routes beyond the static files.

/** The current route: its path segments and its query parameters. */
export function currentRoute() {
  const [path, search = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return {
    segments: path.split('/').filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(search),
  };
}

export function href(path, params = {}) {
  const search = new URLSearchParams(
    Object.entries(params).filter(([, value]) => value !== undefined && value !== ''),
  ).toString();
  return `#/${path}${search ? `?${search}` : ''}`;
}

export const navigate = (path, params) => (location.hash = href(path, params));

/**
 * Mounts the view the route names into `container`, after unmounting the previous one (each
 * mount may return a function that stops its timers and listeners).
 */
export function startRouter(views, fallback, container, onChange) {
  let unmount = null;
  const show = () => {
    const route = currentRoute();
    const name = views[route.segments[0]] ? route.segments[0] : fallback;
    if (typeof unmount === 'function') unmount();
    container.replaceChildren();
    unmount = views[name](container, route);
    onChange(name);
  };
  window.addEventListener('hashchange', show);
  return show;
}
