// The hosts pane's list: fuzzy filtering, grouping and the display lines.

package ui

import (
	"slices"
	"sort"
	"strings"
)

// query is the filter text in force.
func (m hostsModel) query() string { return strings.TrimSpace(m.filter.Value()) }

// untaggedGroup heads the hosts without tags when grouping by tag.
const untaggedGroup = "untagged"

// groupsOf is the groups h is listed under: where it is defined, or
// (when grouping by tag) "#" and each of its tags, like labels; hosts
// without tags under "untagged".
func (m hostsModel) groupsOf(h Host) []string {
	if !m.byTag {
		return []string{h.Group}
	}
	if len(h.Tags) == 0 {
		return []string{untaggedGroup}
	}
	gs := make([]string, 0, len(h.Tags))
	for _, t := range h.Tags {
		if g := "#" + t; !slices.Contains(gs, g) {
			gs = append(gs, g)
		}
	}
	return gs
}

// grouped reports whether group headings are shown: several groups (or
// grouping by tag, which the headings make visible) and no filter (a
// filtered list is ordered by match quality instead).
func (m hostsModel) grouped() bool {
	if m.query() != "" || len(m.hosts) == 0 {
		return false
	}
	if m.byTag {
		return true
	}
	first := m.hosts[0].Group
	for _, h := range m.hosts[1:] {
		if h.Group != first {
			return true
		}
	}
	return false
}

// listOrder is the unfiltered list: groups by first appearance, config
// order within (the untagged last when grouping by tag). With every a
// host is listed under each of its groups (a host with two tags appears
// twice); without it, once, under its first.
func (m hostsModel) listOrder(every bool) []hostItem {
	order := map[string]int{}
	var items []hostItem
	var rank []int
	for i, h := range m.hosts {
		gs := m.groupsOf(h)
		if !every {
			gs = gs[:1]
		}
		for _, g := range gs {
			if _, ok := order[g]; !ok {
				order[g] = len(order)
			}
			items = append(items, hostItem{idx: i, group: g})
			rank = append(rank, order[g])
		}
	}
	if m.byTag { // the untagged hosts last
		if u, ok := order[untaggedGroup]; ok {
			for i := range rank {
				if rank[i] == u {
					rank[i] = len(order)
				}
			}
		}
	}
	perm := make([]int, len(items))
	for i := range perm {
		perm[i] = i
	}
	sort.SliceStable(perm, func(a, b int) bool { return rank[perm[a]] < rank[perm[b]] })
	out := make([]hostItem, len(items))
	for i, p := range perm {
		out[i] = items[p]
	}
	return out
}

// parseQuery splits filter text into tag terms ("tag:prod" or "#prod",
// lower-cased, the "tag:" prefix case-insensitive) and the fuzzy text
// (the other words, in order). A bare "#" or "tag:" is no term, so the
// list does not empty while a tag is being typed.
func parseQuery(q string) (tags []string, text string) {
	var words []string
	for _, w := range strings.Fields(q) {
		var t string
		switch {
		case strings.HasPrefix(w, "#"):
			t = w[1:]
		case len(w) >= 4 && strings.EqualFold(w[:4], "tag:"):
			t = w[4:]
		default:
			words = append(words, w)
			continue
		}
		if t != "" {
			tags = append(tags, strings.ToLower(t))
		}
	}
	return tags, strings.Join(words, " ")
}

// hasTags reports whether h carries every tag in want.
func hasTags(h Host, want []string) bool {
	for _, t := range want {
		found := false
		for _, ht := range h.Tags {
			if ht == t {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// refilter recomputes the items from the hosts and the filter: hosts
// carrying every tag term, fuzzy-matched by the remaining text.
func (m *hostsModel) refilter() {
	tags, q := parseQuery(m.query())
	m.items = m.items[:0]
	if q == "" {
		// Under tag headings a host shows under each of its tags.
		for _, it := range m.listOrder(m.byTag && m.grouped()) {
			if hasTags(m.hosts[it.idx], tags) {
				m.items = append(m.items, it)
			}
		}
	} else {
		type scored struct {
			hostItem
			score int
		}
		var ms []scored
		for i, h := range m.hosts {
			if !hasTags(h, tags) {
				continue
			}
			best, bestPos, ok := fuzzyMatch(q, h.Alias)
			if ok {
				best += 20 // the alias is what people type
			}
			for _, other := range []string{h.Target(), h.Group, h.ProxyJump, strings.Join(h.Tags, " ")} {
				if s, _, ok2 := fuzzyMatch(q, other); ok2 && (!ok || s > best) {
					best, bestPos, ok = s, nil, true
				}
			}
			if ok {
				ms = append(ms, scored{hostItem{idx: i, pos: bestPos}, best})
			}
		}
		sort.SliceStable(ms, func(a, b int) bool { return ms[a].score > ms[b].score })
		for _, s := range ms {
			m.items = append(m.items, s.hostItem)
		}
	}
	m.lineIdx, m.lineHeads, m.itemLine = m.computeLines()
	m.cursor = clamp(m.cursor, 0, len(m.items)-1)
	m.scrollToCursor()
}

// lines is the display list: for each line, the item index or -1 for a
// group heading (with its group name).
func (m hostsModel) lines() (idx []int, heads []string) { return m.lineIdx, m.lineHeads }

// computeLines builds lines from the items, and the line of each item.
func (m hostsModel) computeLines() (idx []int, heads []string, itemLine []int) {
	grouped := m.grouped()
	prev := "\x00"
	idx = make([]int, 0, len(m.items))
	heads = make([]string, 0, len(m.items))
	itemLine = make([]int, len(m.items))
	for i, it := range m.items {
		g := it.group
		if grouped && g != prev {
			idx = append(idx, -1)
			heads = append(heads, g)
			prev = g
		}
		itemLine[i] = len(idx)
		idx = append(idx, i)
		heads = append(heads, "")
	}
	return idx, heads, itemLine
}
