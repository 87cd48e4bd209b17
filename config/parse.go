package config

import (
	"fmt"
	"strings"
)

// file is one parsed configuration file. Files are parsed once and shared
// by every Include that names them.
type file struct {
	path  string
	user  bool // a user configuration: relative Includes live in ~/.ssh
	items []item
	// runs indexes maximal runs of Host blocks whose patterns are all
	// literal, keyed by the index of the run's first header.
	runs map[int]*hostRun
}

// hostRun lets the resolver jump over thousands of "Host name" blocks:
// only the blocks naming the host are visited.
type hostRun struct {
	end   int              // index just past the run
	index map[string][]int // literal pattern -> header indices, in order
}

// item is one meaningful line: a directive, a Host or Match header, or an
// Include.
type item struct {
	kw   *keyword // nil for an unknown keyword
	name string   // keyword as written, lower-cased
	line int32
	bad  bool // the line has an error and is not applied
	// args are the arguments (Host patterns, Include paths, ...).
	args []string
	// s is the parsed single value, formatted as ssh -G prints it (for
	// commands: the rest of the line; for Include: unused).
	s   string
	n   int // numeric value where useful (-1: "none", sets nothing)
	ext *itemExt
	// end is, for Host and Match headers, the index of the next header.
	end int32
}

// itemExt holds the parsed values of the less common keywords.
type itemExt struct {
	list  []string
	n2    int
	n64   int64
	fwd   forward
	jump  jumpSpec
	crit  []criterion
	incs  []*include
	final bool // a Match line with a "final" criterion
	// tags are a Host header's "# sshdash: tags=" comments' tags.
	tags []string
}

func (it *item) x() *itemExt {
	if it.ext == nil {
		it.ext = &itemExt{}
	}
	return it.ext
}

// parser parses file contents; it needs the environment for the ${VAR}
// expansions ssh performs while reading some keywords.
type parser struct {
	lookupEnv func(string) (string, bool)
	// argBuf is the backing store the lines' arguments are carved from
	// (one allocation for many lines); its used part is never written
	// again, since each line's args are capped at their length.
	argBuf []string
}

// argChunk is the size of a fresh argBuf: room for the arguments of many
// ordinary lines. It is not a limit: a longer line grows the buffer.
const argChunk = 1024

// parseFile splits data into items and reports each broken line.
func (p *parser) parseFile(path string, user bool, data string) (*file, []*LineError) {
	f := &file{path: path, user: user}
	f.items = make([]item, 0, strings.Count(data, "\n")+1)
	var errs []*LineError
	n := 0
	header := -1 // index in f.items of the current Host or Match header
	for data != "" {
		var line string
		if i := strings.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, ""
		}
		n++
		if i := strings.IndexByte(line, 0); i >= 0 {
			line = line[:i] // C strings end at NUL
		}
		it, msg, skip := p.parseLine(line, user)
		if skip {
			if e := f.tagComment(header, line, n); e != nil {
				errs = append(errs, e)
			}
			continue
		}
		if it.kw != nil && (it.kw.kind == kHost || it.kw.kind == kMatch) {
			header = len(f.items)
		}
		it.line = int32(n)
		if msg != "" {
			it.bad = true
			errs = append(errs, &LineError{File: path, Line: n, Msg: msg})
		}
		f.items = append(f.items, it)
	}
	f.index()
	return f, errs
}

// tagComment attaches the tags of a "# sshdash: tags=" comment (line
// number n) to the Host header at index header. Any other skipped line is
// ignored. The problem it returns is advisory: ssh ignores comments, so it
// never makes a strict resolution refuse the file.
func (f *file) tagComment(header int, line string, n int) *LineError {
	tags, msg, ok := parseTagComment(line)
	if !ok {
		return nil
	}
	if header < 0 || f.items[header].kw.kind != kHost || f.items[header].bad {
		msg = "sshdash tags comment outside a Host block is ignored"
	} else if len(tags) > 0 {
		x := f.items[header].x()
		x.tags = AddTags(x.tags, tags...)
	}
	if msg == "" {
		return nil
	}
	return &LineError{File: f.path, Line: n, Msg: msg, advisory: true}
}

// index links Host and Match headers to the end of their block and builds
// the literal Host runs.
func (f *file) index() {
	next := len(f.items)
	for i := len(f.items) - 1; i >= 0; i-- {
		if k := f.items[i].kw; k != nil && (k.kind == kHost || k.kind == kMatch) {
			f.items[i].end = int32(next)
			next = i
		}
	}
	literal := func(it *item) bool {
		if it.kw == nil || it.kw.kind != kHost || it.bad || len(it.args) == 0 {
			return false
		}
		for _, a := range it.args {
			if !isLiteralPattern(a) {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(f.items); {
		it := &f.items[i]
		if !literal(it) {
			i++
			continue
		}
		start, j := i, i
		count := 0
		for j < len(f.items) && literal(&f.items[j]) {
			count++
			j = int(f.items[j].end)
		}
		if count >= 8 {
			run := &hostRun{end: j, index: make(map[string][]int, count)}
			for k := start; k < j; k = int(f.items[k].end) {
				seen := ""
				for _, a := range f.items[k].args {
					if a == seen {
						continue
					}
					if l := run.index[a]; len(l) > 0 && l[len(l)-1] == k {
						continue
					}
					run.index[a] = append(run.index[a], k)
					seen = a
				}
			}
			if f.runs == nil {
				f.runs = make(map[int]*hostRun)
			}
			f.runs[start] = run
		}
		i = j
	}
}

// parseLine parses one line. skip reports a blank or comment line; msg is
// the reason the line is broken, if it is.
func (p *parser) parseLine(line string, user bool) (it item, msg string, skip bool) {
	keyword, rest, skip, noArg := splitLine(line)
	if skip {
		return it, "", true
	}
	it.kw, it.name = lookupKeywordFold(keyword)
	if noArg {
		return it, fmt.Sprintf("no argument after keyword %q", it.name), false
	}
	if cap(p.argBuf)-len(p.argBuf) < 16 {
		// A fresh chunk; a line with more arguments than fit grows
		// it (argvSplitInto appends), so there is no fixed limit.
		p.argBuf = make([]string, 0, argChunk)
	}
	buf, args, ok := argvSplitInto(p.argBuf, rest)
	if ok {
		// buf may be a new, larger array: later lines continue in it.
		// The arguments of earlier lines stay in the old one, which
		// nothing writes to again.
		p.argBuf = buf
	}
	if it.kw == nil {
		// Whether this is an error depends on IgnoreUnknown; decided
		// by the loader.
		return it, "", false
	}
	if !ok {
		return it, "invalid quotes", false
	}
	msg = p.parseValue(&it, args, rest, user)
	return it, msg, false
}
