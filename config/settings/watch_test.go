package settings

import (
	"strings"
	"testing"

	"github.com/sshdash/sshdash/watch"
)

func TestWatchSetting(t *testing.T) {
	f := mustParse(t, `
notify = "osc777"
[[host]]
match = "db-legacy"
watch = []
[[host]]
match = "db-*"
watch = ["drop", "back", "silence=30s", "match=ERROR|panic"]
`)
	if got := f.Watch("db-1").String(); got != "drop, back, silence=30s, match=ERROR|panic" {
		t.Errorf("Watch(db-1) = %q", got)
	}
	if got := f.Watch("db-legacy"); !got.Empty() {
		t.Errorf("Watch(db-legacy) = %v, want none (first match wins)", got)
	}
	if got := f.Watch("web"); !got.Empty() {
		t.Errorf("Watch(web) = %v", got)
	}
	if f.Notify() != watch.ModeOSC777 {
		t.Errorf("Notify = %q", f.Notify())
	}
	if (*File)(nil).Notify() != watch.ModeAuto || !(*File)(nil).Watch("x").Empty() {
		t.Errorf("nil file: %q %v", (*File)(nil).Notify(), (*File)(nil).Watch("x"))
	}
}

func TestWatchSettingErrors(t *testing.T) {
	f, err := Parse("/x/config.toml", []byte(`notify = "loud"
[heartbeat]
watch = ["drop"]
[[host]]
match = "a"
watch = ["drop", "match=ERROR("]
[[host]]
match = "b"
watch = "drop"
[[host]]
match = "c"
watch = ["silence=soon"]
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range f.Errors() {
		got = append(got, e.Error())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		`/x/config.toml:1: notify: unknown notify "loud"`,
		`/x/config.toml:3: heartbeat.watch: unknown key "watch"`,
		`/x/config.toml:6: host[0].watch: watcher "match=ERROR(": invalid regular expression`,
		`/x/config.toml:9: host[1].watch: want a list of watchers`,
		`/x/config.toml:12: host[2].watch: watcher "silence=soon": want silence=DURATION`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("errors lack %q:\n%s", want, all)
		}
	}
	if len(got) != 5 {
		t.Errorf("%d errors, want 5:\n%s", len(got), all)
	}
	if !f.Watch("a").Empty() {
		t.Errorf("an invalid watch list is used: %v", f.Watch("a"))
	}
}
