package config

import (
	"fmt"
	"sort"
)

// This file is the strict side of Resolve (ResolveOptions.Strict): ssh
// reads every file an Include names, in active blocks or not, and refuses
// the whole configuration when any line of them is broken.

// checkUnknown records an unknown keyword that the IgnoreUnknown in force
// (the first one set by an active line so far, as ssh keeps it) does not
// cover.
func (r *resolver) checkUnknown(f *file, it *item) {
	if !r.strict || it.bad {
		return // a line without argument is a load error already
	}
	if r.st.isSet(idIgnoreUnknown) && matchPatternListC(it.name, r.st.str(idIgnoreUnknown), true) == 1 {
		return
	}
	r.unknown = append(r.unknown, &LineError{File: f.path, Line: int(it.line),
		Msg: fmt.Sprintf("unknown keyword %q", it.name), unknown: true})
}

// scanInclude reads, for a strict resolution, the files of an Include in
// an inactive block: none of their lines apply, but ssh parses them, so
// their unknown keywords count.
func (r *resolver) scanInclude(it *item, depth int) {
	if it.ext == nil || depth+1 > maxIncludeDepth {
		return
	}
	for _, inc := range it.ext.incs {
		for i, t := range inc.targets {
			if inc.cut[i] {
				continue
			}
			r.visits++
			if r.visits > maxVisits {
				return
			}
			for j := range t.items {
				sub := &t.items[j]
				switch {
				case sub.kw == nil:
					r.checkUnknown(t, sub)
				case sub.kw.kind == kInclude && !sub.bad:
					r.scanInclude(sub, depth+1)
				}
			}
		}
	}
}

// refusal is the strict verdict after the first pass: the load errors
// other than unknown keywords (those do not depend on the host) and the
// unknown keywords this host's pass did not ignore. nil when ssh would
// accept the files.
func (r *resolver) refusal() error {
	var problems []*LineError
	for _, e := range r.c.errors {
		if !e.unknown && !e.advisory {
			problems = append(problems, e)
		}
	}
	seen := make(map[errKey]bool)
	for _, e := range r.unknown {
		k := errKey{e.File, e.Line, e.Msg}
		if !seen[k] {
			seen[k] = true
			problems = append(problems, e)
		}
	}
	if len(problems) == 0 {
		return nil
	}
	order := make(map[string]int)
	for _, p := range problems {
		if _, ok := order[p.File]; !ok {
			order[p.File] = len(order)
		}
	}
	sort.SliceStable(problems, func(i, j int) bool {
		a, b := problems[i], problems[j]
		if order[a.File] != order[b.File] {
			return order[a.File] < order[b.File]
		}
		return a.Line < b.Line
	})
	return &RefusedError{Problems: problems}
}
