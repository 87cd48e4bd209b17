package ui

import (
	"slices"
	"strings"
	"testing"
)

func TestParseQuery(t *testing.T) {
	for _, c := range []struct {
		q, text string
		tags    []string
	}{
		{"", "", nil},
		{"db", "db", nil},
		{"tag:prod", "", []string{"prod"}},
		{"#Prod web  TAG:eu", "web", []string{"prod", "eu"}},
		{"# tag: web", "web", nil}, // a tag being typed filters nothing yet
		{"a#b tagx:y", "a#b tagx:y", nil},
	} {
		tags, text := parseQuery(c.q)
		if text != c.text || !slices.Equal(tags, c.tags) {
			t.Errorf("parseQuery(%q) = %q, %q; want %q, %q", c.q, tags, text, c.tags, c.text)
		}
	}
}

// taggedBackend is the demo world with tags on some hosts.
func taggedBackend() *fakeBackend {
	f := newDemoBackend()
	tags := map[string][]string{
		"web1":       {"prod", "web"},
		"web2":       {"staging", "web"},
		"db-primary": {"prod", "db"},
		"build-box":  {"ci"},
	}
	for i := range f.hosts {
		f.hosts[i].Tags = tags[f.hosts[i].Alias]
	}
	return f
}

func shown(d *driver) []string {
	var out []string
	for _, it := range d.m.hosts.items {
		out = append(out, d.m.hosts.hosts[it.idx].Alias)
	}
	return out
}

func TestHostsFilterByTag(t *testing.T) {
	d := newDriver(t, taggedBackend(), 100, 24)
	d.keys("/", "tag:prod")
	if got := shown(d); !slices.Equal(got, []string{"web1", "db-primary"}) {
		t.Fatalf("tag:prod shows %v", got)
	}
	d.mustSee("Hosts 2/6")

	// "#" is the short form; several tags must all be present.
	d.keys("esc", "/", "#web", "space", "#PROD")
	if got := shown(d); !slices.Equal(got, []string{"web1"}) {
		t.Fatalf("#web #PROD shows %v", got)
	}

	// Tags combine with the fuzzy text: only tagged hosts are matched.
	d.keys("esc", "/", "#prod", "space", "pri")
	if got := shown(d); !slices.Equal(got, []string{"db-primary"}) {
		t.Fatalf("#prod pri shows %v", got)
	}
	d.keys("esc", "/", "pi")
	if got := shown(d); !slices.Contains(got, "pi") {
		t.Fatalf("pi shows %v", got)
	}
	d.keys("esc", "/", "#web", "space", "pi")
	if got := shown(d); slices.Contains(got, "pi") {
		t.Fatalf("#web pi shows the untagged pi: %v", got)
	}

	// While the tag is still being typed ("#"), nothing is filtered out;
	// a tag no host has matches nothing.
	d.keys("esc", "/", "#")
	if got := shown(d); len(got) != 6 {
		t.Fatalf("bare # shows %v", got)
	}
	d.keys("nope")
	if got := shown(d); len(got) != 0 {
		t.Fatalf("#nope shows %v", got)
	}
	d.mustSee(`No hosts match "#nope"`)

	// Plain text also finds a host by its tag, fuzzily.
	d.keys("esc", "/", "staging")
	if got := shown(d); !slices.Equal(got, []string{"web2"}) {
		t.Fatalf("staging shows %v", got)
	}
	// The details line names the tags of the host under the cursor.
	d.mustSee("#staging #web")
}

func TestHostsGroupByTagToggle(t *testing.T) {
	d := newDriver(t, taggedBackend(), 100, 30)
	d.mustSee("── ~/.ssh/config ", "── ~/.ssh/config.d/work")
	d.keys("j", "j") // cursor on db-primary
	d.keys("#")
	d.mustSee("── #prod ", "── #web ", "── #staging ", "── #db ", "── #ci ", "── untagged ")
	d.mustNotSee("── ~/.ssh/config")
	// Tag groups in order of first appearance, a host under each of its
	// tags (like labels), the untagged last.
	want := []string{"web1", "db-primary", "web1", "web2", "web2", "db-primary", "build-box", "bastion", "pi"}
	if got := shown(d); !slices.Equal(got, want) {
		t.Fatalf("grouped by tag: %v, want %v", got, want)
	}
	if h, _ := d.m.hosts.current(); h.Alias != "db-primary" {
		t.Errorf("toggling lost the cursor: on %q", h.Alias)
	}
	// A filter still applies, and shows no headings.
	d.keys("/", "#web", "enter")
	if got := shown(d); !slices.Equal(got, []string{"web1", "web2"}) {
		t.Fatalf("#web while grouped by tag: %v", got)
	}
	d.mustNotSee("── #prod")
	d.keys("esc", "#")
	d.mustSee("── ~/.ssh/config ", "── ~/.ssh/config.d/work")
	d.mustNotSee("── #prod")
}

// Grouped by tag, a host with several tags is listed under each, but it
// is one host: marking it once marks it everywhere, and opening the marks
// opens it once.
func TestHostsGroupByTagMarksPerHost(t *testing.T) {
	f := taggedBackend()
	d := newDriver(t, f, 100, 30)
	d.keys("#")
	d.keys("space") // web1, under #prod; the cursor moves down
	if n := strings.Count(d.screen(), "✓"); n != 2 {
		t.Fatalf("web1 marked once shows %d marks, want 2 (under #prod and #web):\n%s", n, d.screen())
	}
	d.mustSee("Hosts 6 · 1 selected")
	d.keys("j", "j", "space") // web2 under #web
	if n := strings.Count(d.screen(), "✓"); n != 4 {
		t.Fatalf("web1 and web2 marked show %d marks, want 4:\n%s", n, d.screen())
	}
	d.keys("space") // web2 again, under #staging: unmarks it everywhere
	if n := strings.Count(d.screen(), "✓"); n != 2 {
		t.Fatalf("unmarking web2 under its second tag leaves %d marks, want 2:\n%s", n, d.screen())
	}
	d.keys("space") // db-primary under #db
	d.keys("o")
	var opened []string
	for _, s := range f.sessions {
		opened = append(opened, s.Alias)
	}
	if want := []string{"web1", "db-primary"}; !slices.Equal(opened[len(opened)-2:], want) || len(opened) != len(newDemoBackend().sessions)+2 {
		t.Fatalf("o opened %v; want one session each for %v", opened, want)
	}
	// "*" marks what is shown: each host once in the count.
	d.keys("*")
	d.mustSee("Hosts 6 · 6 selected")
}
