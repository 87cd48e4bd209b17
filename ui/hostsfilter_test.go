package ui

import (
	"slices"
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
	d.mustSee("── #prod ", "── #staging ", "── #ci ", "── untagged ")
	d.mustNotSee("── ~/.ssh/config")
	// Tag groups in order of first appearance, each host once (under its
	// first tag), the untagged last.
	want := []string{"web1", "db-primary", "web2", "build-box", "bastion", "pi"}
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
