package settings

import (
	"github.com/sshdash/sshdash/watch"
)

// watchItems decodes a [[host]] entry's watch key: a list of watcher
// items (watch.Parse), e.g. ["drop", "back", "silence=30s",
// "match=ERROR|panic"]. An empty list turns watchers off for the hosts it
// matches (before a later, wider entry).
func (d *decoder) watchItems(path string, v any, h *Host) {
	arr, ok := v.([]any)
	if !ok {
		d.fail(path, `want a list of watchers such as ["drop", "back", "silence=30s", "match=ERROR|panic"], got %s`, typeName(v))
		return
	}
	items := make([]string, 0, len(arr))
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			d.fail(path, "want strings in the watch list, got %s", typeName(e))
			return
		}
		items = append(items, s)
	}
	spec, err := watch.Parse(items)
	if err != nil {
		d.fail(path, "%v", err)
		return
	}
	h.Watch = &spec
}

// notify decodes the top-level notify key (watch.ParseMode).
func (d *decoder) notify(path string, v any) {
	s, ok := d.str(path, v)
	if !ok {
		return
	}
	m, err := watch.ParseMode(s)
	if err != nil {
		d.fail(path, "%v", err)
		return
	}
	d.f.notify = m
}

// Watch is the watchers of sessions to alias: the watch list of the first
// matching [[host]] entry that has one; none by default. f may be nil.
func (f *File) Watch(alias string) watch.Spec {
	if h, ok := first(f.Hosts(), alias, func(h Host) bool { return h.Watch != nil }); ok {
		return *h.Watch
	}
	return watch.Spec{}
}

// Notify is how alerts reach the terminal (notify = "…"); watch.ModeAuto
// when unset. f may be nil.
func (f *File) Notify() watch.Mode {
	if f == nil || f.notify == "" {
		return watch.ModeAuto
	}
	return f.notify
}
