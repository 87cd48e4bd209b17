package settings

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sshdash/sshdash/config"
)

// SetHostTags sets the tags of the [[host]] entry whose match is pattern
// to tags (lower-cased, duplicates dropped), creating the entry when there
// is none. Empty tags remove the entry's tags key, and the entry itself
// when it then sets nothing. The edit is made in place like SetHost's
// (only the tags line changes, comments are kept) and is replayed by
// Save's merge; ssh_config is never touched. An invalid tag is an error
// and changes nothing.
func (f *File) SetHostTags(pattern string, tags []string) error {
	if f == nil {
		return errors.New("settings: SetHostTags on a nil *File")
	}
	pattern = normalizeMatch(pattern)
	if err := checkMatch(pattern); err != nil {
		return fmt.Errorf("settings: host entry: %w", err)
	}
	var clean []string
	for _, t := range tags {
		if err := config.CheckTag(t); err != nil {
			return fmt.Errorf("settings: host entry %q: %w", pattern, err)
		}
		clean = config.AddTags(clean, t)
	}
	if err := f.setHostTags(pattern, clean); err != nil {
		return err
	}
	f.edits = append(f.edits, hostEdit{pattern: pattern, tags: &clean})
	return nil
}

// EntryTags returns the tags the [[host]] entry whose match is pattern
// sets itself (nil when there is no such entry or it sets none).
func (f *File) EntryTags(pattern string) []string {
	if f == nil {
		return nil
	}
	pattern = normalizeMatch(pattern)
	for i, h := range f.hosts {
		if h.Match == pattern {
			return slices.Clone(f.hostTags[i])
		}
	}
	return nil
}

// setHostTags is SetHostTags' edit of f.text, for checked tags.
func (f *File) setHostTags(pattern string, tags []string) error {
	path, ok := f.hostPath(pattern)
	if !ok && len(tags) == 0 {
		return nil
	}
	lines := strings.Split(f.text, "\n")
	lay := scan(f.text)
	val := tagsValue(tags)
	if !ok {
		// A new entry that sets only its match and tags.
		vals := [numHostKeys]string{quote(pattern)}
		out := insertEntry(lines, lay, vals)
		at := slices.Index(out, "match = "+vals[0])
		if at < 0 {
			return fmt.Errorf("settings: host entry %q: could not place the new entry (a bug)", pattern)
		}
		out = slices.Insert(out, at+1, "tags = "+val)
		return f.replaceTags(strings.Join(out, "\n"), pattern, tags)
	}
	t, ok := lay.table(path)
	if !ok || !t.array {
		return fmt.Errorf("settings: host entry %q (line %d) is not a [[host]] table; edit the file by hand", pattern, lay.lineOf(path))
	}
	kp, has := lay.keys[path+".tags"]
	if has && (kp.multi || kp.line <= t.line || kp.line > t.lastKey) {
		return fmt.Errorf("settings: host entry %q: tags at line %d is not a one-line value of the entry; edit the file by hand", pattern, kp.line+1)
	}
	switch {
	case has && len(tags) > 0:
		l := lines[kp.line]
		lines[kp.line] = l[:kp.valStart] + val + l[kp.valEnd:]
	case has:
		lines = slices.Delete(lines, kp.line, kp.line+1)
	case len(tags) > 0:
		lines = slices.Insert(lines, t.lastKey+1, "tags = "+val)
	default:
		return nil
	}
	if err := f.replaceTags(strings.Join(lines, "\n"), pattern, tags); err != nil {
		return err
	}
	if h, ok := f.Host(pattern); ok && len(tags) == 0 && h.empty() {
		_, err := f.removeHost(pattern) // nothing left to set
		return err
	}
	return nil
}

// replaceTags re-parses edited text and, if the entry for pattern reads
// back with tags, makes it f's content.
func (f *File) replaceTags(text, pattern string, tags []string) error {
	nf, err := parse(f.path, text)
	if err != nil {
		return fmt.Errorf("settings: editing the tags of host entry %q made the file invalid (a bug; nothing was changed): %w", pattern, err)
	}
	if got := nf.EntryTags(pattern); !slices.Equal(got, tags) && (len(got) > 0 || len(tags) > 0) {
		return fmt.Errorf("settings: could not edit the tags of host entry %q in place (they read back as %q); edit the file by hand", pattern, got)
	}
	nf.base, nf.baseOK, nf.edits = f.base, f.baseOK, f.edits
	*f = *nf
	return nil
}

// tagsValue renders tags as a TOML array of strings.
func tagsValue(tags []string) string {
	q := make([]string, len(tags))
	for i, t := range tags {
		q[i] = quote(t)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
