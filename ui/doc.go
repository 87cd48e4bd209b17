// Package ui is sshdash's Bubble Tea interface: one model per screen (host
// list, sessions, preview, event log, prompts, settings form, help) under a
// root model that routes keys to the active screen and broadcasts size and
// session events to all.
//
// # Wiring
//
// cmd/sshdash builds a Backend (the session layer seen from the dashboard),
// builds the root model with New and runs it in a tea.Program drawn by
// ui/screen (Screen.Wrap; Options.Terminal is that screen), which draws a
// frame when the view changed instead of on Bubble Tea's frame ticker.
// The UI never calls the session layer directly, and no goroutine ever
// touches a model: session events arrive through Backend.Events, read one
// at a time by a tea.Cmd that is re-armed after each event.
//
// Messages the Backend's commands must produce:
//
//   - Open(alias, background) → SessionOpened or OpenFailed.
//   - SyncHistory(id) → HistorySynced, before the preview scrolls back.
//   - Attach(id) → AttachResult: how the user left the attached session
//     (detach, next, prev, jump N, close, the session ended, or an error).
//     The dashboard attaches the next/previous/N-th session itself.
//
// Session events (session.StateChanged, HeartbeatUpdate, OutputArrived,
// PromptRequested, Logged) may also be delivered with Program.Send.
// HeartbeatUpdate and OutputArrived are coalesced: they only mark the
// snapshot stale, and Backend.Sessions and Backend.Screen are read again at
// most four times a second. A 1 s tick runs only while a session is live
// (uptimes, countdowns), and a spinner only while one is connecting.
//
// # Screens and keys
//
// DefaultKeyMap documents every key. Hosts | Sessions are two panes (side
// by side from 120 columns, one at a time below, Tab switches); the preview
// shows the selected session's screen under the sessions table ([ gives it
// the keys to scroll back through the history; the wheel over it too); a
// failed session's preview gives the whole reason; l opens a
// session's event log; e opens the heartbeat/reattach settings form of a
// host; prompts (host key, passphrase, password, keyboard-interactive) are
// queued dialogs whose answers go to Prompt.Answer only; ? shows the help
// generated from the key map; q asks before closing open sessions.
//
// Styles come from package themes; colour is never the only signal: every
// session state has an icon and a word.
package ui
