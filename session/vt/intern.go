package vt

// Interning. Grapheme clusters of more than one rune (clusters.go) and
// styles (styles.go) are stored once per Screen, in a table, and cells
// refer to them by number: cells stay small and pointer-free.
//
// The tables are bounded. When one is full it is compacted: every cell of
// both buffers and the scrollback is visited, the entries still referred
// to are kept and renumbered in order of first use, the rest dropped. If
// the table is still mostly full afterwards (most entries are in use),
// the next entries are not stored but approximated by the caller, so that
// a screen full of distinct entries does not compact at every new one.

// internTable numbers distinct values of type K.
type internTable[K comparable] struct {
	list  []K         // the value of each id
	index map[K]int32 // the id of each value in list
	max   int         // bound on len(list)
	// degrade counts new values still to be approximated because the
	// table was mostly live at the last compaction.
	degrade int
}

// add stores k, which must not be in the table yet, and returns its id.
func (t *internTable[K]) add(k K) int32 {
	if t.index == nil {
		t.index = make(map[K]int32)
	}
	id := int32(len(t.list))
	t.index[k] = id
	t.list = append(t.list, k)
	return id
}

// room reports whether a value can be added to the table. When the table
// is full it calls compact (which must renumber every reference, see
// renumber), unless values are being degraded anyway. false: approximate
// the value instead of adding it.
func (t *internTable[K]) room(compact func()) bool {
	if len(t.list) < t.max {
		return true
	}
	if t.degrade > 0 {
		t.degrade--
		return false
	}
	compact()
	if len(t.list) >= t.max*3/4 {
		t.degrade = t.max / 4
		return false
	}
	return true
}

// renumbering maps the ids of a table being compacted to new ones.
type renumbering[K comparable] struct {
	t     *internTable[K]
	old   []K     // the table's entries before compaction
	remap []int32 // new id of each old id; -1: not kept (yet)
}

// renumber starts a compaction: it empties the table and returns the
// renumbering through which every reference must then be passed (id). Old
// entries are re-added as they are found, in order of first use.
func (t *internTable[K]) renumber() renumbering[K] {
	r := renumbering[K]{t: t, old: t.list, remap: make([]int32, len(t.list))}
	for i := range r.remap {
		r.remap[i] = -1
	}
	t.list = make([]K, 0, max(len(r.old)/2, 16))
	t.index = make(map[K]int32, len(r.old)/2)
	return r
}

// id returns the new id of the entry with old id i (0 <= i < len(r.old)),
// keeping the entry.
func (r *renumbering[K]) id(i int32) int32 {
	if n := r.remap[i]; n >= 0 {
		return n
	}
	n := r.t.add(r.old[i])
	r.remap[i] = n
	return n
}

// eachLine calls f for every line cells can be on: both buffers and the
// scrollback. It is the walk of compaction.
func (s *Screen) eachLine(f func(*line)) {
	for _, b := range [...]*buffer{&s.main, &s.alt} {
		for i := range b.ring {
			f(&b.ring[i])
		}
	}
	for i := range s.sb.len() {
		f(s.sb.at(i))
	}
}
