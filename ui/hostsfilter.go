// The hosts pane's list: fuzzy filtering, grouping and the display lines.

package ui

import (
	"sort"
	"strings"
)

// query is the filter text in force.
func (m hostsModel) query() string { return strings.TrimSpace(m.filter.Value()) }

// untaggedGroup heads the hosts without tags when grouping by tag.
const untaggedGroup = "untagged"

// groupOf is the group h is listed under: where it is defined, or (when
// grouping by tag) "#" and its first tag, since a host is listed once.
func (m hostsModel) groupOf(h *Host) string {
	if !m.byTag {
		return h.Group
	}
	if len(h.Tags) == 0 {
		return untaggedGroup
	}
	return "#" + h.Tags[0]
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

// listOrder is the host indices in the order of the unfiltered list:
// groups by first appearance, config order within.
func (m hostsModel) listOrder() []int {
	order := map[string]int{}
	group := make([]int, len(m.hosts))
	for i := range m.hosts {
		g := m.groupOf(&m.hosts[i])
		if _, ok := order[g]; !ok {
			order[g] = len(order)
		}
		group[i] = order[g]
	}
	if m.byTag { // the untagged hosts last
		if u, ok := order[untaggedGroup]; ok {
			for i := range group {
				if group[i] == u {
					group[i] = len(order)
				}
			}
		}
	}
	idx := make([]int, len(m.hosts))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return group[idx[a]] < group[idx[b]] })
	return idx
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
		for _, i := range m.listOrder() {
			if hasTags(m.hosts[i], tags) {
				m.items = append(m.items, hostItem{idx: i})
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
	m.cursor = clamp(m.cursor, 0, len(m.items)-1)
	m.scrollToCursor()
}

// lines is the display list: for each line, the item index or -1 for a
// group heading (with its group name). It runs on every redraw, so it does
// not copy hosts: with a thousand of them the copies were a tenth of an
// idle dashboard's CPU.
func (m hostsModel) lines() (idx []int, heads []string) {
	idx = make([]int, 0, len(m.items))
	heads = make([]string, 0, len(m.items))
	if !m.grouped() {
		for i := range m.items {
			idx = append(idx, i)
			heads = append(heads, "")
		}
		return idx, heads
	}
	prev := "\x00"
	for i, it := range m.items {
		g := m.groupOf(&m.hosts[it.idx])
		if g != prev {
			idx = append(idx, -1)
			heads = append(heads, g)
			prev = g
		}
		idx = append(idx, i)
		heads = append(heads, "")
	}
	return idx, heads
}
