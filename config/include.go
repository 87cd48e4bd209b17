package config

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// maxIncludeDepth is OpenSSH's READCONF_MAX_DEPTH: a file may be included
// at most 16 levels below a top-level file.
const maxIncludeDepth = 16

// maxVisits bounds the work of one walk over the include graph, so that a
// pathological configuration (files including each other many times over)
// cannot make loading or resolving take forever.
const maxVisits = 1 << 16

// include is one argument of an Include line with the files it matched.
type include struct {
	pattern string   // as ssh globs it (made absolute)
	targets []*file  // parsed files, in glob order
	cut     []bool   // targets[i] closes a loop and is never followed
	paths   []string // matched paths (for targets that failed to load: nil file)
}

// loader reads files, expands Includes and collects errors and hosts.
type loader struct {
	c      *Config
	p      parser
	cache  map[fileKey]*file
	seen   map[errKey]bool
	hosts  map[string]int // alias -> index in c.hosts
	tagged []taggedBlock
	visits int
}

// taggedBlock is a Host block with a "# sshdash: tags=" comment, as met
// on the walk: its tags go to every listed alias the block applies to.
type taggedBlock struct {
	self   *hostLine
	guards []*hostLine // of the enclosing Host blocks of the Includes
	args   []string    // the Host line's patterns
	tags   []string
}

type fileKey struct {
	path string
	user bool
}

type errKey struct {
	file string
	line int
	msg  string
}

func newLoader(c *Config) *loader {
	return &loader{
		c:     c,
		p:     parser{lookupEnv: c.opts.LookupEnv},
		cache: make(map[fileKey]*file),
		seen:  make(map[errKey]bool),
		hosts: make(map[string]int),
	}
}

func (l *loader) addErr(e *LineError) {
	k := errKey{e.File, e.Line, e.Msg}
	if l.seen[k] {
		return
	}
	l.seen[k] = true
	l.c.errors = append(l.c.errors, e)
}

// readTop reads a top-level file. A missing file is not an error for the
// default files (the caller ignores the error) but is for -F.
func (l *loader) readTop(path string, user, checkPerm bool) (*file, error) {
	fsys := l.c.opts.fsys
	if checkPerm && fsys.Exists(path) {
		if err := fsys.CheckPerm(path); err != nil {
			l.addErr(&LineError{File: path, Msg: err.Error(), Err: err})
			return nil, err
		}
	}
	data, err := fsys.ReadFile(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && checkPerm {
			l.addErr(&LineError{File: path, Msg: fmt.Sprintf("can't read: %v", err), Err: err})
		}
		return nil, err
	}
	return l.parse(path, user, data), nil
}

// parse parses data once per (path, user) and records its line errors.
func (l *loader) parse(path string, user bool, data []byte) *file {
	key := fileKey{path, user}
	if f, ok := l.cache[key]; ok {
		return f
	}
	f, errs := l.p.parseFile(path, user, string(data))
	for _, e := range errs {
		l.addErr(e)
	}
	l.cache[key] = f
	return f
}

// includePattern makes an Include argument absolute as ssh does: relative
// paths live in ~/.ssh for user files and /etc/ssh for system files.
func includePattern(arg string, user bool) string {
	if !strings.HasPrefix(arg, "/") && !strings.HasPrefix(arg, "~") {
		if user {
			return "~/.ssh/" + arg
		}
		return "/etc/ssh/" + arg
	}
	return arg
}

// expandInclude globs one Include argument and parses the matched files.
func (l *loader) expandInclude(f *file, it *item, arg string) *include {
	inc := &include{pattern: includePattern(arg, f.user)}
	pat := inc.pattern
	if strings.HasPrefix(pat, "~") {
		// glob(3) with GLOB_TILDE: $HOME for "~", else the passwd entry.
		home, ok := l.c.opts.LookupEnv("HOME")
		if !ok || home == "" {
			home = l.c.opts.Home
		}
		var err error
		if pat, err = globTilde(pat, home); err != nil {
			l.addErr(&LineError{File: f.path, Line: int(it.line), Msg: fmt.Sprintf("glob failed for %s: %v", inc.pattern, err)})
			return inc
		}
	}
	paths, err := glob(l.c.opts.fsys, pat)
	if err != nil {
		l.addErr(&LineError{File: f.path, Line: int(it.line), Msg: fmt.Sprintf("glob failed for %s: %v", inc.pattern, err)})
		return inc
	}
	fsys := l.c.opts.fsys
	for _, p := range paths {
		var target *file
		if err := fsys.CheckPerm(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			l.addErr(&LineError{File: f.path, Line: int(it.line), Msg: err.Error(), Err: err})
		} else if data, err := fsys.ReadFile(p); err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				l.addErr(&LineError{File: f.path, Line: int(it.line),
					Msg: fmt.Sprintf("can't open included file %s: %v", p, err), Err: err})
			}
		} else {
			target = l.parse(p, f.user, data)
		}
		if target == nil {
			continue
		}
		inc.targets = append(inc.targets, target)
		inc.paths = append(inc.paths, p)
		inc.cut = append(inc.cut, false)
	}
	return inc
}

// walkState carries what the load-time walk needs along the include graph.
type walkState struct {
	stack    []*file     // files being walked, outermost first
	ignored  []string    // IgnoreUnknown values seen so far
	guards   []*hostLine // Host patterns of enclosing Host blocks
	depth    int
	exceeded bool
}

// walkAll visits every file reachable from the top-level files, in the
// order ssh reads them: it expands Includes, reports unknown keywords
// (unless an earlier IgnoreUnknown covers them), include loops and depth
// problems, notes "Match final" and lists host aliases.
func (l *loader) walkAll() {
	for _, f := range l.c.roots {
		w := &walkState{}
		l.walk(f, w)
	}
	l.applyTags()
}

func (l *loader) walk(f *file, w *walkState) {
	l.visits++
	if l.visits > maxVisits {
		if !w.exceeded {
			w.exceeded = true
			l.addErr(&LineError{File: f.path, Msg: "include graph too large; the rest was not read"})
		}
		return
	}
	w.stack = append(w.stack, f)
	defer func() { w.stack = w.stack[:len(w.stack)-1] }()
	var block *item // enclosing Host/Match header
	for i := range f.items {
		it := &f.items[i]
		if it.kw == nil {
			if !it.bad && !ignoredUnknown(w.ignored, it.name) {
				l.addErr(&LineError{File: f.path, Line: int(it.line), Msg: fmt.Sprintf("unknown keyword %q", it.name), unknown: true})
			}
			continue
		}
		if it.bad {
			if it.kw.kind == kHost || it.kw.kind == kMatch {
				block = it
			}
			continue
		}
		switch it.kw.kind {
		case kHost:
			block = it
			l.listHosts(f, it, w)
		case kMatch:
			block = it
			if it.ext.final {
				l.c.wantFinal = true
			}
		case kString:
			if it.kw.id == idIgnoreUnknown {
				w.ignored = append(w.ignored, it.s)
			}
		case kSyslogFacility:
			if l.c.syslogFacility == nil {
				l.c.syslogFacility = it
			}
		case kStreamLocalBindMask:
			l.c.streamLocalMask = it
		case kInclude:
			l.walkInclude(f, it, block, w)
		}
	}
}

// walkInclude expands an Include (once) and walks its files.
func (l *loader) walkInclude(f *file, it *item, block *item, w *walkState) {
	x := it.x()
	if x.incs == nil {
		for _, a := range it.args {
			x.incs = append(x.incs, l.expandInclude(f, it, a))
		}
	}
	// Hosts in the included files only apply when the enclosing Host
	// block does; a broken header never applies.
	if block != nil && (block.kw.kind == kHost || block.bad) {
		var guard *hostLine
		if block.bad {
			guard = compileHostLine(nil)
		} else {
			guard = compileHostLine(block.args)
		}
		w.guards = append(w.guards, guard)
		defer func() { w.guards = w.guards[:len(w.guards)-1] }()
	}
	for _, inc := range x.incs {
		for i, t := range inc.targets {
			if inc.cut[i] {
				continue
			}
			if onStack(w.stack, t) {
				inc.cut[i] = true
				l.addErr(&LineError{File: f.path, Line: int(it.line),
					Msg: fmt.Sprintf("too many recursive configuration includes: %s includes itself", inc.paths[i])})
				continue
			}
			if w.depth+1 > maxIncludeDepth {
				l.addErr(&LineError{File: f.path, Line: int(it.line),
					Msg: fmt.Sprintf("too many recursive configuration includes (more than %d levels)", maxIncludeDepth)})
				continue
			}
			w.depth++
			l.walk(t, w)
			w.depth--
		}
	}
}

func onStack(stack []*file, f *file) bool {
	for _, s := range stack {
		if s == f {
			return true
		}
	}
	return false
}

// ignoredUnknown reports whether an IgnoreUnknown pattern list covers name.
func ignoredUnknown(lists []string, name string) bool {
	for _, l := range lists {
		if matchPatternListC(name, l, true) == 1 {
			return true
		}
	}
	return false
}

// listHosts records the concrete aliases of a Host line: those the line
// itself and the enclosing Host lines of the Includes that led here match.
func (l *loader) listHosts(f *file, it *item, w *walkState) {
	self := compileHostLine(it.args)
	if it.ext != nil && len(it.ext.tags) > 0 {
		l.tagged = append(l.tagged, taggedBlock{self: self, guards: slices.Clone(w.guards), args: it.args, tags: it.ext.tags})
	}
	for _, a := range it.args {
		if _, listed := l.hosts[a]; listed || !IsConcreteAlias(a) || !self.match(a) || !guardsMatch(w.guards, a) {
			continue
		}
		l.hosts[a] = len(l.c.hosts)
		l.c.hosts = append(l.c.hosts, HostEntry{Alias: a, File: f.path, Line: int(it.line)})
	}
}

func guardsMatch(guards []*hostLine, alias string) bool {
	for _, g := range guards {
		if !g.match(alias) {
			return false
		}
	}
	return true
}

// applyTags gives each listed alias the tags of every tagged Host block
// that applies to it. A block of literal names visits only those names;
// a block with wildcards is matched against every listed alias.
func (l *loader) applyTags() {
	add := func(b *taggedBlock, i int) {
		h := &l.c.hosts[i]
		if b.self.match(h.Alias) && guardsMatch(b.guards, h.Alias) {
			h.Tags = AddTags(h.Tags, b.tags...)
		}
	}
	for k := range l.tagged {
		b := &l.tagged[k]
		if len(b.self.posWild) == 0 {
			for _, a := range b.args {
				if i, ok := l.hosts[a]; ok {
					add(b, i)
				}
			}
			continue
		}
		for i := range l.c.hosts {
			add(b, i)
		}
	}
}

// hostLine is a Host line's patterns indexed for matching many names: the
// literal ones in sets, so that listing a line of thousands of names (or
// the names of an Include inside such a block) costs linear, not
// quadratic, time. match agrees with matchHostLine.
type hostLine struct {
	// pos and neg are the literal patterns, in sets once a line has more
	// than hostLineScan of a kind, else in posLit and negLit: most Host
	// lines name one or two hosts, and a map for each cost more than the
	// rest of listing them.
	pos, neg         map[string]bool
	posLit, negLit   []string
	posWild, negWild []string
}

// hostLineScan is how many literal patterns of a kind are compared one by
// one before they go into a set.
const hostLineScan = 8

func compileHostLine(patterns []string) *hostLine {
	h := &hostLine{}
	for _, p := range patterns {
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		wild := strings.ContainsAny(p, "*?")
		switch {
		case neg && wild:
			h.negWild = append(h.negWild, p)
		case neg:
			h.negLit = append(h.negLit, p)
		case wild:
			h.posWild = append(h.posWild, p)
		default:
			h.posLit = append(h.posLit, p)
		}
	}
	h.pos, h.posLit = literalSet(h.posLit)
	h.neg, h.negLit = literalSet(h.negLit)
	return h
}

// literalSet moves more than hostLineScan literal patterns into a set.
func literalSet(lit []string) (map[string]bool, []string) {
	if len(lit) <= hostLineScan {
		return nil, lit
	}
	set := make(map[string]bool, len(lit))
	for _, p := range lit {
		set[p] = true
	}
	return set, nil
}

// hasLiteral reports whether name is one of the literal patterns.
func hasLiteral(set map[string]bool, lit []string, name string) bool {
	return set[name] || slices.Contains(lit, name)
}

// match is matchHostLine(patterns, name): a positive pattern matches and
// no negated one does.
func (h *hostLine) match(name string) bool {
	if hasLiteral(h.neg, h.negLit, name) {
		return false
	}
	for _, p := range h.negWild {
		if MatchPattern(p, name) {
			return false
		}
	}
	if hasLiteral(h.pos, h.posLit, name) {
		return true
	}
	for _, p := range h.posWild {
		if MatchPattern(p, name) {
			return true
		}
	}
	return false
}
