package settings

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestHostTags(t *testing.T) {
	f := mustParse(t, `
[[host]]
match = "db-*"
tags = ["prod", "DB", "prod"]   # duplicates and case folded

[[host]]
match = "db-1 web"
tags = ["eu/west", "db"]
interval = "5s"

[[host]]
match = "other"
`)
	for alias, want := range map[string][]string{
		"db-1":  {"prod", "db", "eu/west"},
		"db-2":  {"prod", "db"},
		"web":   {"eu/west", "db"},
		"other": nil,
		"nope":  nil,
	} {
		if got := f.Tags(alias); !slices.Equal(got, want) {
			t.Errorf("Tags(%q) = %q, want %q", alias, got, want)
		}
	}
	// The tags key does not disturb the entry's other values.
	if h, ok := f.Host("db-1 web"); !ok || h.Interval != 5*time.Second {
		t.Errorf("entry with tags: %+v %v", h, ok)
	}
	var nilFile *File
	if nilFile.Tags("x") != nil {
		t.Error("nil file has tags")
	}
}

func TestHostTagsInvalid(t *testing.T) {
	f, err := Parse("s.toml", []byte(`
[[host]]
match = "a"
tags = ["ok", "has space", 3, "x,y", ""]

[[host]]
match = "b"
tags = "prod"

[heartbeat]
tags = ["no"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Tags("a"); !slices.Equal(got, []string{"ok"}) {
		t.Errorf("valid tags kept: %q", got)
	}
	if got := f.Tags("b"); got != nil {
		t.Errorf("string instead of array: tags %q", got)
	}
	var msgs []string
	for _, e := range f.Errors() {
		if e.Line == 0 {
			t.Errorf("problem without a line: %v", e)
		}
		msgs = append(msgs, e.Error())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{`"has space"`, "integer 3", `"x,y"`, "empty tag", "want an array of strings", `unknown key "tags"`} {
		if !strings.Contains(all, want) {
			t.Errorf("no problem mentions %s; got:\n%s", want, all)
		}
	}
}

func TestSetHostKeepsTags(t *testing.T) {
	f := mustParse(t, "[[host]]\nmatch = \"db-*\"\ntags = [\"prod\"]\nmode = \"probe\"\n")
	if err := f.SetHost(Host{Match: "db-*", Mode: "noop", Interval: 7 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if got := f.Tags("db-1"); !slices.Equal(got, []string{"prod"}) {
		t.Errorf("after SetHost: tags %q; file:\n%s", got, f.Bytes())
	}
}

func TestSetHostEmptyKeepsTaggedEntry(t *testing.T) {
	f := mustParse(t, "[[host]]\nmatch = \"db-*\"\ntags = [\"prod\"]\nmode = \"probe\"\n\n[[host]]\nmatch = \"web\"\nmode = \"tcp\"\n")
	if err := f.SetHost(Host{Match: "db-*"}); err != nil {
		t.Fatal(err)
	}
	if got := f.Tags("db-1"); !slices.Equal(got, []string{"prod"}) {
		t.Errorf("clearing the values lost the tags: %q; file:\n%s", got, f.Bytes())
	}
	if h, ok := f.Host("db-*"); !ok || h.Mode != "" {
		t.Errorf("entry after clearing: %+v %v; file:\n%s", h, ok, f.Bytes())
	}
	// An entry without tags is still removed when cleared.
	if err := f.SetHost(Host{Match: "web"}); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Host("web"); ok {
		t.Errorf("untagged entry kept; file:\n%s", f.Bytes())
	}
}
