package config

import (
	"slices"
	"strings"
	"testing"
)

func TestTagComments(t *testing.T) {
	c := loadMem(t, memFS{
		"/home/me/.ssh/config": `# sshdash: tags=global
Host db1 db2
    # sshdash: tags=prod,DB
    HostName 10.0.0.5
    # an ordinary comment: tags=ignored
Host web
    #sshdash:tags= web , prod
Host db1
    # sshdash: tags=primary
Host *.eu
    # sshdash: tags=eu
Host x.eu api
Host bastion
    # sshdash: tags=ok,bad!tag,
    # sshdash: colour=red
Match host db2
    # sshdash: tags=never
Host lab
    Include /inc
`,
		"/inc": "Host lab inner\n  # sshdash: tags=lab\n",
	})
	want := map[string][]string{
		"db1":     {"prod", "db", "primary"},
		"db2":     {"prod", "db"},
		"web":     {"web", "prod"},
		"x.eu":    {"eu"},
		"api":     nil,
		"bastion": {"ok"},
		"lab":     {"lab"},
	}
	got := map[string][]string{}
	for _, h := range c.Hosts() {
		got[h.Alias] = h.Tags
	}
	// "inner" is not listed: the Include sits in "Host lab", which does
	// not apply to it.
	if _, ok := got["inner"]; ok {
		t.Errorf("inner listed: %v", got)
	}
	for alias, w := range want {
		if g, ok := got[alias]; !ok || !slices.Equal(g, w) {
			t.Errorf("%s: tags %q (listed %v), want %q", alias, g, ok, w)
		}
	}
	var msgs []string
	for _, e := range c.Errors() {
		msgs = append(msgs, e.Error())
	}
	all := strings.Join(msgs, "\n")
	for _, w := range []string{
		"config:1: sshdash tags comment outside a Host block",
		`config:14: sshdash comment: invalid tags ["bad!tag"]`,
		"config:15: sshdash comment",
		"config:17: sshdash tags comment outside a Host block",
	} {
		if !strings.Contains(all, w) {
			t.Errorf("no problem %q in:\n%s", w, all)
		}
	}
	if len(msgs) != 4 {
		t.Errorf("%d problems, want 4:\n%s", len(msgs), all)
	}
	// ssh ignores comments: a strict resolution (ssh's own verdict on
	// the files) is not refused because of them.
	if _, err := c.Resolve("db1", ResolveOptions{Strict: true}); err != nil {
		t.Errorf("strict resolve refused over sshdash comments: %v", err)
	}
}

func TestTagCommentsManyHosts(t *testing.T) {
	// Thousands of tagged literal blocks: each visits only its own names.
	var b strings.Builder
	for i := 0; i < 5000; i++ {
		b.WriteString("Host h")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString(string(rune('a' + i%26)))
		b.WriteString("-")
		b.WriteString(strings.Repeat("1", 1+i/26))
		b.WriteString("\n  # sshdash: tags=t\n")
	}
	c := loadMem(t, memFS{"/home/me/.ssh/config": b.String()})
	if len(c.Hosts()) == 0 {
		t.Fatal("no hosts")
	}
	for _, h := range c.Hosts() {
		if !slices.Equal(h.Tags, []string{"t"}) {
			t.Fatalf("%s: tags %q", h.Alias, h.Tags)
		}
	}
}

func TestCheckTag(t *testing.T) {
	for _, ok := range []string{"prod", "eu/west-1", "a_b.c", strings.Repeat("x", MaxTagLen)} {
		if err := CheckTag(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "a b", "a,b", "#x", "tag:x", "é", strings.Repeat("x", MaxTagLen+1)} {
		if CheckTag(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
