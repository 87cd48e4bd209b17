package ui

import (
	"slices"
	"strings"
	"testing"
)

func TestParseTags(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
		err  string
	}{
		{"", nil, ""},
		{" prod, DB ,#web,, prod", []string{"prod", "db", "web"}, ""},
		{"eu/west db", []string{"eu/west", "db"}, ""},
		{"pr!od", nil, "invalid tag"},
	} {
		got, err := parseTags(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("parseTags(%q) error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("parseTags(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// The settings form edits the host's tags: it shows the settings file's
// (not ssh_config's, which it names apart), saves only when they changed,
// rejects an invalid tag, and the status line says what was saved.
func TestSettingsFormEditsTags(t *testing.T) {
	f := taggedBackend()
	f.hosts[0].Tags = []string{"prod", "web", "from-cfg"}
	f.hosts[0].ConfigTags = []string{"from-cfg"}
	d := newDriver(t, f, 100, 30)
	d.keys("e")
	d.mustSee("Settings · web1", "Tags", "prod, web", "also #from-cfg (ssh_config)")
	if got := d.m.settings.tags.Value(); got != "prod, web" {
		t.Fatalf("tags field %q, want the settings file's tags only", got)
	}
	for range 4 {
		d.keys("tab") // interval, count, reattach, tags
	}
	if d.m.settings.focus != fieldTags {
		t.Fatalf("focus on field %d, want tags", d.m.settings.focus)
	}
	d.keys(", bad tag!", "ctrl+s")
	d.mustSee("tags: invalid tag")
	if _, _, _, _, saved := f.calls(); len(saved) != 0 {
		t.Fatal("saved an invalid tag")
	}
	for range len(", bad tag!") {
		d.keys("backspace")
	}
	d.keys(", DB", "ctrl+s")
	_, _, _, _, saved := f.calls()
	if len(saved) != 1 || saved[0].hs.Changed != FieldTags || !slices.Equal(saved[0].hs.Tags, []string{"prod", "web", "db"}) {
		t.Fatalf("saved %+v, want only the tags prod web db", saved)
	}
	d.mustSee("saved for web1: tags #prod #web #db")

	// The same tags written differently are no change.
	d.keys("e")
	for range 4 {
		d.keys("tab")
	}
	for range len("prod, web") {
		d.keys("backspace")
	}
	d.keys("#Prod web", "ctrl+s")
	if _, _, _, _, saved := f.calls(); len(saved) != 1 {
		t.Fatalf("an unchanged form saved again: %+v", saved)
	}
}
