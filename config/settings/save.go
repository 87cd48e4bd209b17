package settings

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sshdash/sshdash/keepalive"
)

// newFileHeader starts a settings file that sshdash creates.
const newFileHeader = "# sshdash settings. sshdash's settings form edits the [[host]] entries in\n" +
	"# place; comments and everything else in this file are kept.\n"

// numHostKeys is the number of keys a [[host]] entry has.
const numHostKeys = 5

// hostKeys returns a [[host]] entry's keys in the order they are written.
func hostKeys() [numHostKeys]string {
	return [...]string{"match", "mode", "interval", "count", "reattach"}
}

// SetHost creates or updates the [[host]] entry whose match is h.Match
// (compared with whitespace normalized), so that it sets exactly h's
// non-zero fields (h.Line is ignored). A Host that sets nothing removes the
// entry, unless the entry has tags: then only its values are removed. The change is made to the file's text and takes effect in f at
// once; Save writes it. An invalid value is an error and changes nothing.
//
// Editing is in place: only the lines of the values that changed are
// rewritten (keeping their trailing comments), new keys go after the
// entry's last key, and comments, blank lines, other entries and unknown
// keys are kept as they were. A new entry is placed before the first
// existing [[host]] entry, so — first match wins — what was just saved
// applies to the hosts it matches; an existing entry keeps its place, and
// an earlier entry that matches the same hosts still wins for the fields
// it sets (Heartbeat's sources show it).
func (f *File) SetHost(h Host) error {
	if f == nil {
		return errors.New("settings: SetHost on a nil *File")
	}
	pattern := normalizeMatch(h.Match)
	if err := checkMatch(pattern); err != nil {
		return fmt.Errorf("settings: host entry: %w", err)
	}
	h.Match, h.Line = pattern, 0
	if _, err := hostValues(h); err != nil {
		return fmt.Errorf("settings: host entry %q: %w", pattern, err)
	}
	if h.empty() && !f.entryHasTags(pattern) {
		_, err := f.RemoveHost(pattern)
		return err
	}
	if err := f.setHost(pattern, h); err != nil {
		return err
	}
	f.edits = append(f.edits, hostEdit{pattern: pattern, h: &h})
	return nil
}

// entryHasTags reports whether the [[host]] entry whose match is pattern
// sets tags: such an entry is kept (with its tags) when the form clears
// its other values.
func (f *File) entryHasTags(pattern string) bool {
	for i, h := range f.hosts {
		if h.Match == pattern {
			return len(f.hostTags[i]) > 0
		}
	}
	return false
}

// setHost is SetHost's edit of f.text, for a checked, non-empty h.
func (f *File) setHost(pattern string, h Host) error {
	vals, err := hostValues(h)
	if err != nil {
		return fmt.Errorf("settings: host entry %q: %w", pattern, err)
	}
	lay := scan(f.text)
	lines := strings.Split(f.text, "\n")
	var out []string
	if path, ok := f.hostPath(pattern); ok {
		out, err = editEntry(lines, lay, path, vals)
		if err != nil {
			return fmt.Errorf("settings: host entry %q: %w", pattern, err)
		}
	} else {
		out = insertEntry(lines, lay, vals)
	}
	return f.replace(strings.Join(out, "\n"), pattern, &h)
}

// RemoveHost deletes the first [[host]] entry whose match is pattern,
// with the comment lines directly above it (when a blank line separates
// them from what comes before). It reports whether there was one.
func (f *File) RemoveHost(pattern string) (bool, error) {
	if f == nil {
		return false, nil
	}
	pattern = normalizeMatch(pattern)
	ok, err := f.removeHost(pattern)
	if ok && err == nil {
		f.edits = append(f.edits, hostEdit{pattern: pattern})
	}
	return ok, err
}

// removeHost is RemoveHost's edit of f.text.
func (f *File) removeHost(pattern string) (bool, error) {
	path, ok := f.hostPath(pattern)
	if !ok {
		return false, nil
	}
	lay := scan(f.text)
	t, ok := lay.table(path)
	if !ok || !t.array {
		return false, fmt.Errorf("settings: host entry %q (line %d) is not a [[host]] table; edit the file by hand", pattern, lay.lineOf(path))
	}
	lines := strings.Split(f.text, "\n")
	from, to := attachedComments(lines, t.line), t.lastKey+1
	if from > 0 && blank(lines[from-1]) && (to >= len(lines) || blank(lines[to])) {
		if to < len(lines) {
			to++
		} else {
			from--
		}
	}
	out := slices.Concat(lines[:from], lines[to:])
	return true, f.replace(strings.Join(out, "\n"), pattern, nil)
}

// hostPath returns the layout path ("host[3]") of the first usable entry
// whose match is pattern.
func (f *File) hostPath(pattern string) (string, bool) {
	for i, h := range f.hosts {
		if h.Match == pattern {
			return f.hostPaths[i], true
		}
	}
	return "", false
}

// replace re-parses edited text and, if the entry for pattern came out as
// wanted (want nil: gone), makes it f's content.
func (f *File) replace(text, pattern string, want *Host) error {
	nf, err := parse(f.path, text)
	if err != nil {
		return fmt.Errorf("settings: editing host entry %q made the file invalid (a bug; nothing was changed): %w", pattern, err)
	}
	got, ok := nf.Host(pattern)
	switch {
	case want == nil && ok:
		// A second entry with the same match remains; that is fine.
	case want != nil && (!ok || got.Mode != want.Mode || got.Interval != want.Interval ||
		got.Count != want.Count || got.Reattach != want.Reattach):
		return fmt.Errorf("settings: could not edit host entry %q in place (it reads back as %+v); edit the file by hand", pattern, got)
	}
	nf.base, nf.baseOK, nf.edits = f.base, f.baseOK, f.edits
	*f = *nf
	return nil
}

// hostValues checks h and renders its set fields as TOML values, in
// hostKeys order ("" for unset).
func hostValues(h Host) ([numHostKeys]string, error) {
	var v [numHostKeys]string
	v[0] = quote(h.Match)
	if h.Mode != "" {
		if _, err := keepalive.ParseMode(string(h.Mode)); err != nil {
			return v, err
		}
		v[1] = quote(string(h.Mode))
	}
	if h.Interval != 0 {
		if h.Interval < MinInterval || h.Interval > MaxInterval {
			return v, fmt.Errorf("interval %s is out of range (%s to %s)", h.Interval, MinInterval, MaxInterval)
		}
		v[2] = quote(h.Interval.String())
	}
	if h.Count != 0 {
		if h.Count < 1 || h.Count > MaxCount {
			return v, fmt.Errorf("count %d is out of range (1 to %d)", h.Count, MaxCount)
		}
		v[3] = strconv.Itoa(h.Count)
	}
	if h.Reattach != "" {
		if err := CheckReattach(h.Reattach); err != nil {
			return v, err
		}
		v[4] = quote(h.Reattach)
	}
	return v, nil
}

// editEntry rewrites the [[host]] table at path so its keys have vals.
func editEntry(lines []string, lay *layout, path string, vals [numHostKeys]string) ([]string, error) {
	t, ok := lay.table(path)
	if !ok || !t.array {
		return nil, fmt.Errorf("the entry at line %d is not a [[host]] table; edit the file by hand", lay.lineOf(path))
	}
	lines = slices.Clone(lines)
	drop := map[int]bool{}
	var add []string
	for i, key := range hostKeys() {
		kp, has := lay.keys[path+"."+key]
		if has && (kp.multi || kp.line <= t.line || kp.line > t.lastKey) {
			return nil, fmt.Errorf("%s at line %d is not a one-line value of the entry; edit the file by hand", key, kp.line+1)
		}
		switch {
		case has && vals[i] != "":
			l := lines[kp.line]
			lines[kp.line] = l[:kp.valStart] + vals[i] + l[kp.valEnd:]
		case has:
			drop[kp.line] = true
		case vals[i] != "":
			add = append(add, key+" = "+vals[i])
		}
	}
	out := make([]string, 0, len(lines)+len(add))
	for i, l := range lines {
		if !drop[i] {
			out = append(out, l)
		}
		if i == t.lastKey {
			out = append(out, add...)
		}
	}
	return out, nil
}

// insertEntry adds a new [[host]] table with vals before the first
// existing one (and its comments), or at the end.
func insertEntry(lines []string, lay *layout, vals [numHostKeys]string) []string {
	block := []string{"[[host]]"}
	for i, key := range hostKeys() {
		if vals[i] != "" {
			block = append(block, key+" = "+vals[i])
		}
	}
	for _, t := range lay.tables {
		if t.array && strings.HasPrefix(t.path, "host[") {
			at := attachedComments(lines, t.line)
			block = append(block, "")
			return slices.Concat(lines[:at], block, lines[at:])
		}
	}
	// Append, separated by one blank line, ending with a newline.
	for len(lines) > 0 && blank(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		lines = strings.Split(strings.TrimSuffix(newFileHeader, "\n"), "\n")
	}
	return slices.Concat(lines, []string{""}, block, []string{""})
}

// attachedComments returns the first line of the comment block directly
// above line header, if a blank line precedes that block; otherwise header
// itself. Comments at the very top of the file are the file's own. A comment that follows key lines
// without a blank line belongs to the table above.
func attachedComments(lines []string, header int) int {
	i := header
	for i > 0 && isComment(lines[i-1]) {
		i--
	}
	if i < header && i > 0 && blank(lines[i-1]) {
		return i
	}
	return header
}

func blank(l string) bool { return strings.TrimSpace(l) == "" }

func isComment(l string) bool { return strings.HasPrefix(strings.TrimSpace(l), "#") }

// quote renders s as a TOML basic string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
