package settings

import (
	"strconv"
	"strings"
)

// layout locates keys and tables in the text of a settings file. The TOML
// decoder reports values but not where each one is (and an array of tables
// shares one key for all its elements), so this scanner finds the line of
// every key and [[host]] table for error messages and for editing the file
// in place. It runs only on text the decoder has accepted, so it can be
// lenient; what it cannot place, errors report at the nearest enclosing key.
//
// Paths name keys as "theme", "heartbeat.mode", "host[1].count": array of
// tables elements are indexed from 0 in file order.
type layout struct {
	keys   map[string]keyPos
	tables []tablePos // headers, in file order
}

// keyPos is where one key = value line is (0-based line index).
type keyPos struct {
	line     int
	valStart int  // byte offset of the value in the line
	valEnd   int  // byte offset just past the value (before spaces and comment)
	multi    bool // the value continues on later lines
}

// tablePos is one [table] or [[array]] header.
type tablePos struct {
	path    string // "heartbeat", "host[2]"
	array   bool   // [[...]]
	line    int    // header line index
	lastKey int    // line index of the table's last key line, or of the last line of its value (header when none)
}

// scan builds the layout of text.
func scan(text string) *layout {
	lay := &layout{keys: map[string]keyPos{}}
	lines := strings.Split(text, "\n")
	arrays := map[string]int{} // array-of-tables path → elements so far
	prefix := ""               // current table path
	cur := -1                  // index in lay.tables of the current table
	var st valueState
	for i, line := range lines {
		if st.open() {
			st.scan(line, 0)
			if cur >= 0 {
				lay.tables[cur].lastKey = i // the value goes on
			}
			continue
		}
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || trimmed[0] == '#':
			continue
		case trimmed[0] == '[':
			segs, array, ok := parseHeader(trimmed)
			if !ok {
				continue
			}
			path := ""
			for j, seg := range segs {
				path = joinPath(path, seg)
				if n, isArray := arrays[path]; isArray {
					if array && j == len(segs)-1 {
						arrays[path] = n + 1
						path += "[" + strconv.Itoa(n) + "]"
					} else {
						path += "[" + strconv.Itoa(n-1) + "]"
					}
				} else if array && j == len(segs)-1 {
					arrays[path] = 1
					path += "[0]"
				}
			}
			prefix = path
			lay.tables = append(lay.tables, tablePos{path: path, array: array, line: i, lastKey: i})
			cur = len(lay.tables) - 1
			continue
		}
		segs, eq, ok := parseKey(line)
		if !ok {
			continue
		}
		path := prefix
		for _, seg := range segs {
			path = joinPath(path, seg)
			if _, seen := lay.keys[path]; !seen {
				lay.keys[path] = keyPos{line: i}
			}
		}
		valStart := eq + 1
		for valStart < len(line) && (line[valStart] == ' ' || line[valStart] == '\t') {
			valStart++
		}
		valEnd := st.scan(line, valStart)
		lay.keys[path] = keyPos{line: i, valStart: valStart, valEnd: valEnd, multi: st.open()}
		if cur >= 0 {
			lay.tables[cur].lastKey = i
		}
	}
	return lay
}

// line returns the 1-based line of path, or of its nearest enclosing key
// or table that was found; 0 if none was.
func (l *layout) lineOf(path string) int {
	for path != "" {
		if k, ok := l.keys[path]; ok {
			return k.line + 1
		}
		for _, t := range l.tables {
			if t.path == path {
				return t.line + 1
			}
		}
		cut := strings.LastIndexAny(path, ".[")
		if cut < 0 {
			break
		}
		path = path[:cut]
	}
	return 0
}

// table returns the header of the table at path.
func (l *layout) table(path string) (tablePos, bool) {
	for _, t := range l.tables {
		if t.path == path {
			return t, true
		}
	}
	return tablePos{}, false
}

func joinPath(prefix, seg string) string {
	if strings.ContainsAny(seg, ".[]\"") {
		seg = strconv.Quote(seg)
	}
	if prefix == "" {
		return seg
	}
	return prefix + "." + seg
}

// valueState follows a value across lines: an open multi-line string or
// unclosed brackets of an array or inline table.
type valueState struct {
	ml    string // `"""` or `'''` while inside a multi-line string
	depth int    // open [ and {
}

func (s *valueState) open() bool { return s.ml != "" || s.depth > 0 }

// scan reads line from offset i, updating s, and returns the offset just
// past the last value character before any comment.
func (s *valueState) scan(line string, i int) int {
	end := i
	for i < len(line) {
		if s.ml != "" {
			j := strings.Index(line[i:], s.ml)
			if j < 0 {
				return len(line)
			}
			// In a basic string, a backslash escapes the quote after it.
			if s.ml == `"""` && j > 0 && backslashes(line[:i+j])%2 == 1 {
				i += j + 1
				continue
			}
			i += j + 3
			for i < len(line) && line[i] == s.ml[0] { // up to 2 quotes may end the content
				i++
			}
			s.ml = ""
			end = i
			continue
		}
		c := line[i]
		switch {
		case c == '#':
			return end
		case c == ' ' || c == '\t' || c == '\r':
			i++
			continue
		case strings.HasPrefix(line[i:], `"""`) || strings.HasPrefix(line[i:], `'''`):
			s.ml = line[i : i+3]
			i += 3
			continue
		case c == '"':
			i = skipBasic(line, i+1)
		case c == '\'':
			if j := strings.IndexByte(line[i+1:], '\''); j >= 0 {
				i += j + 2
			} else {
				i = len(line)
			}
		case c == '[' || c == '{':
			s.depth++
			i++
		case c == ']' || c == '}':
			if s.depth > 0 {
				s.depth--
			}
			i++
		default:
			i++
		}
		end = i
	}
	return end
}

// backslashes counts the backslashes ending s.
func backslashes(s string) int {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\\' {
		n++
	}
	return n
}

// skipBasic returns the offset past the basic string whose content starts
// at i.
func skipBasic(line string, i int) int {
	for i < len(line) {
		switch line[i] {
		case '\\':
			i += 2
		case '"':
			return i + 1
		default:
			i++
		}
	}
	return len(line)
}

// parseHeader parses "[a.b]" or "[[a]]" (trimmed, comment allowed after).
func parseHeader(s string) (segs []string, array, ok bool) {
	array = strings.HasPrefix(s, "[[")
	rest := s[1:]
	if array {
		rest = s[2:]
	}
	segs, n, ok := parseKeySegs(rest)
	if !ok {
		return nil, false, false
	}
	rest = strings.TrimLeft(rest[n:], " \t")
	closer := "]"
	if array {
		closer = "]]"
	}
	return segs, array, strings.HasPrefix(rest, closer)
}

// parseKey parses the key of a "key = value" line and returns its
// segments and the offset of the '='.
func parseKey(line string) (segs []string, eq int, ok bool) {
	segs, n, ok := parseKeySegs(line)
	if !ok {
		return nil, 0, false
	}
	for n < len(line) && (line[n] == ' ' || line[n] == '\t') {
		n++
	}
	if n >= len(line) || line[n] != '=' {
		return nil, 0, false
	}
	return segs, n, true
}

// parseKeySegs parses a dotted key (bare, "basic" or 'literal' segments)
// at the start of s, and returns the segments and the offset after them.
func parseKeySegs(s string) ([]string, int, bool) {
	var segs []string
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			return nil, 0, false
		}
		switch s[i] {
		case '"':
			j := skipBasic(s, i+1)
			seg, err := strconv.Unquote(s[i:j])
			if err != nil {
				seg = s[i+1 : max(i+1, j-1)]
			}
			segs = append(segs, seg)
			i = j
		case '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, 0, false
			}
			segs = append(segs, s[i+1:i+1+j])
			i += j + 2
		default:
			j := i
			for j < len(s) && isBare(s[j]) {
				j++
			}
			if j == i {
				return nil, 0, false
			}
			segs = append(segs, s[i:j])
			i = j
		}
		k := i
		for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
			k++
		}
		if k < len(s) && s[k] == '.' {
			i = k + 1
			continue
		}
		return segs, i, true
	}
}

func isBare(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}
