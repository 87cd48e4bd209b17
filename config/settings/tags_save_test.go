package settings

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sshdash/sshdash/keepalive"
)

// SetHostTags edits an entry's tags line in place (keeping its comment
// and the other keys), adds the key to an entry without one, creates an
// entry for a new pattern, and removes the key (and an entry left with
// nothing) for empty tags. Invalid tags change nothing.
func TestSetHostTags(t *testing.T) {
	f := mustParse(t, `# my settings
[[host]]
match = "web1"
tags = ["old"]   # keep this comment
interval = "5s"

[[host]]
match = "db-*"
count = 4
`)
	if err := f.SetHostTags("web1", []string{"Prod", "web", "prod"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetHostTags("db-*", []string{"db"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetHostTags("new", []string{"lab"}); err != nil {
		t.Fatal(err)
	}
	text := string(f.Bytes())
	for _, w := range []string{`tags = ["prod", "web"]   # keep this comment`, "# my settings", `interval = "5s"`, "count = 4\ntags = [\"db\"]"} {
		if !strings.Contains(text, w) {
			t.Errorf("lacks %q:\n%s", w, text)
		}
	}
	for alias, want := range map[string][]string{"web1": {"prod", "web"}, "db-1": {"db"}, "new": {"lab"}} {
		if got := f.Tags(alias); !slices.Equal(got, want) {
			t.Errorf("Tags(%q) = %q, want %q", alias, got, want)
		}
	}
	if h, ok := f.Host("web1"); !ok || h.Interval.String() != "5s" {
		t.Errorf("web1 entry: %+v %v", h, ok)
	}
	if err := f.SetHostTags("web1", []string{"bad tag"}); err == nil || !strings.Contains(err.Error(), "bad tag") {
		t.Errorf("invalid tag: %v", err)
	}
	if got := f.Tags("web1"); !slices.Equal(got, []string{"prod", "web"}) {
		t.Errorf("an invalid tag changed the tags to %q", got)
	}
	// Clearing: the key goes; an entry with nothing else goes too.
	if err := f.SetHostTags("web1", nil); err != nil {
		t.Fatal(err)
	}
	if err := f.SetHostTags("new", nil); err != nil {
		t.Fatal(err)
	}
	text = string(f.Bytes())
	if strings.Contains(text, "keep this comment") || strings.Contains(text, `"new"`) {
		t.Errorf("cleared tags left:\n%s", text)
	}
	if h, ok := f.Host("web1"); !ok || h.Interval.String() != "5s" || f.Tags("web1") != nil {
		t.Errorf("web1 after clearing its tags: %+v %v %q", h, ok, f.Tags("web1"))
	}
}

// A tags edit is replayed by Save's merge when the file changed on disk
// meanwhile, next to a SetHost of the same entry; the hand edit is kept.
func TestSaveMergesTags(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	writeFile(t, path, "[[host]]\nmatch = \"web1\"\ncount = 2\n", 0o600)
	f := mustLoad(t, path)
	writeFile(t, path, "# hand\n[[host]]\nmatch = \"hand\"\ntags = [\"x\"]\n\n[[host]]\nmatch = \"web1\"\ncount = 2\n", 0o600)
	if err := f.SetHost(Host{Match: "web1", Mode: keepalive.ModeNoop, Count: 2}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetHostTags("web1", []string{"prod", "eu"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(""); err != nil {
		t.Fatal(err)
	}
	g := mustLoad(t, path)
	if got := g.Tags("web1"); !slices.Equal(got, []string{"prod", "eu"}) {
		t.Errorf("web1 tags after the merge: %q\n%s", got, g.Bytes())
	}
	if h, _ := g.Host("web1"); h.Mode != keepalive.ModeNoop || h.Count != 2 {
		t.Errorf("web1 entry after the merge: %+v", h)
	}
	if got := g.Tags("hand"); !slices.Equal(got, []string{"x"}) || !strings.Contains(string(g.Bytes()), "# hand") {
		t.Errorf("the hand edit was lost:\n%s", g.Bytes())
	}
}
