package provider

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"pgsvc/tools/command/internal/sshdtest"
)

// sshConnection is a connection to srv as the SDK sends it: whole and secret.
func sshConnection(srv *sshdtest.Server, extra map[string]property.Value) property.Value {
	c := map[string]property.Value{
		"host":           str(srv.Host),
		"port":           property.New(float64(srv.Port)),
		"user":           str("root"),
		"privateKey":     str(srv.ClientKey),
		"dialErrorLimit": property.New(2.0),
		"perDialTimeout": property.New(5.0),
	}
	for k, v := range extra {
		c[k] = v
	}
	return property.New(c).WithSecret(true)
}

// The sshd runs on this machine, so what a remote command leaves behind is
// checked on the local file system.
func TestRemoteCommandLifecycle(t *testing.T) {
	srv := sshdtest.Start(t)
	dir := t.TempDir()
	logs := captureLogs(t)
	r := newRes(t, newServer(t), remoteCommand, "remote")
	inputs := map[string]property.Value{
		"connection": sshConnection(srv, nil),
		"create":     str(`printf '%s|%s|%s|%s' "$(whoami)" "$GREETING" "$MULTI" "$(cat)"; echo note >&2`),
		"update":     str(`printf 'previous=%s' "$PULUMI_COMMAND_STDOUT"`),
		"delete":     str(`printf '%s' "$PULUMI_COMMAND_STDOUT" > ` + filepath.Join(dir, "deleted")),
		"environment": property.New(map[string]property.Value{
			"GREETING": str("it's \"quoted\" $HOME"),
			"MULTI":    str("a\nb"),
			"TOKEN":    secret("env-secret-0xC0FFEE"),
		}),
		"stdin": secret("stdin-secret-0xBEEF"),
	}
	r.mustCreate(inputs)
	if got, want := r.output("stdout"), "root|it's \"quoted\" $HOME|a\nb|stdin-secret-0xBEEF"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	if got := r.output("stderr"); got != "note" {
		t.Errorf("stderr = %q, want %q", got, "note")
	}
	if !r.state.Get("stdout").Secret() {
		t.Errorf("stdout of a command with secret stdin is not secret")
	}

	inputs["create"] = str("echo changed create")
	if _, err := r.update(inputs, false); err != nil {
		t.Fatalf("update: %v", err)
	}
	if got, want := r.output("stdout"), "previous=root|it's \"quoted\" $HOME|a\nb|stdin-secret-0xBEEF"; got != want {
		t.Errorf("update stdout = %q, want %q", got, want)
	}

	if err := r.delete(); err != nil {
		t.Fatalf("delete: %v", err)
	}
	deleted, err := os.ReadFile(filepath.Join(dir, "deleted"))
	if err != nil {
		t.Fatalf("the delete command did not run: %v", err)
	}
	if !strings.HasPrefix(string(deleted), "previous=root|") {
		t.Errorf("delete saw PULUMI_COMMAND_STDOUT = %q", deleted)
	}

	// Secrets reach the command, but neither sshd's debug log nor ours.
	for _, s := range []string{"env-secret-0xC0FFEE", "stdin-secret-0xBEEF"} {
		if strings.Contains(srv.Log(t), s) {
			t.Errorf("sshd logged %q", s)
		}
		if strings.Contains(logs.String(), s) {
			t.Errorf("the provider logged %q", s)
		}
	}
}

func TestRemoteCommandFailures(t *testing.T) {
	srv := sshdtest.Start(t)
	closed := sshdtest.ClosedPort(t)
	unauthorized, otherPublic := sshdtest.NewKeyPair(t)
	s := newServer(t)
	tests := []struct {
		name       string
		inputs     map[string]property.Value
		want       []string
		secrets    []string
		maxSeconds float64
	}{
		{
			name: "exit status and stderr",
			inputs: map[string]property.Value{
				"connection": sshConnection(srv, nil),
				"create":     str(`echo "password was $PW" >&2; exit 42`),
				"environment": property.New(map[string]property.Value{
					"PW": secret("pw-0xFACADE"),
				}),
			},
			want:    []string{"create command failed", "status 42", "stderr:", "password was [secret]"},
			secrets: []string{"pw-0xFACADE"},
		},
		{
			name: "unreachable host",
			inputs: map[string]property.Value{
				"connection": sshConnection(srv, map[string]property.Value{
					"port":           property.New(float64(closed)),
					"dialErrorLimit": property.New(1.0),
					"perDialTimeout": property.New(2.0),
					"password":       str("login-pw-0xABAD"),
				}),
				"create": str("true"),
			},
			want: []string{"cannot connect to host 127.0.0.1 (port " + strconv.Itoa(closed) + ")",
				"after 2 failed attempt(s)", "connection refused"},
			secrets:    []string{"login-pw-0xABAD"},
			maxSeconds: 10,
		},
		{
			name: "unusable private key",
			inputs: map[string]property.Value{
				"connection": sshConnection(srv, map[string]property.Value{
					"privateKey": str("-----BEGIN OPENSSH PRIVATE KEY-----\nbm90LWEta2V5LTB4REVBRA==\n-----END OPENSSH PRIVATE KEY-----\n"),
				}),
				"create": str("true"),
			},
			want:    []string{"privateKey cannot be used"},
			secrets: []string{"bm90LWEta2V5LTB4REVBRA"},
		},
		{
			name: "key not authorized",
			inputs: map[string]property.Value{
				"connection": sshConnection(srv, map[string]property.Value{
					"privateKey":     str(unauthorized),
					"dialErrorLimit": property.New(0.0),
				}),
				"create": str("true"),
			},
			want: []string{"after 1 failed attempt(s)", "unable to authenticate"},
		},
		{
			name: "host key mismatch",
			inputs: map[string]property.Value{
				"connection": sshConnection(srv, map[string]property.Value{
					"hostKey":        str(otherPublic),
					"dialErrorLimit": property.New(0.0),
				}),
				"create": str("true"),
			},
			want: []string{"host key of " + srv.Addr() + " is ssh-ed25519 SHA256:"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := captureLogs(t)
			start := time.Now()
			err := newRes(t, s, remoteCommand, "failing").create(tt.inputs, false)
			if err == nil {
				t.Fatal("create succeeded, want an error")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			for _, secret := range tt.secrets {
				if strings.Contains(err.Error(), secret) || strings.Contains(logs.String(), secret) {
					t.Errorf("the error or the logs show the secret %q:\n%v\n%s", secret, err, logs)
				}
			}
			if tt.maxSeconds > 0 && time.Since(start).Seconds() > tt.maxSeconds {
				t.Errorf("took %s, want under %gs", time.Since(start), tt.maxSeconds)
			}
		})
	}
}

func TestRemoteCommandOptions(t *testing.T) {
	srv := sshdtest.Start(t)
	s := newServer(t)
	tests := []struct {
		name       string
		connection map[string]property.Value
		wantStdout string
	}{
		{"expected host key", map[string]property.Value{"hostKey": str(srv.HostKey)}, "ok"},
		{"through a proxy", map[string]property.Value{"proxy": property.New(map[string]property.Value{
			"host": str(srv.Host), "port": property.New(float64(srv.Port)), "user": str("root"),
			"privateKey": str(srv.ClientKey),
		})}, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRes(t, s, remoteCommand, "opts")
			r.mustCreate(map[string]property.Value{
				"connection": sshConnection(srv, tt.connection),
				"create":     str("echo ok"),
			})
			if got := r.output("stdout"); got != tt.wantStdout {
				t.Errorf("stdout = %q, want %q", got, tt.wantStdout)
			}
		})
	}
}

func TestCopyToRemote(t *testing.T) {
	srv := sshdtest.Start(t)
	s := newServer(t)
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "payload", "run.sh"), "#!/bin/sh\necho hi\n", 0o755)
	writeFile(t, filepath.Join(src, "payload", "conf", "app.conf"), "key=value\n", 0o644)
	writeFile(t, filepath.Join(src, "single.txt"), "single file\n", 0o640)

	dest := t.TempDir()
	tests := []struct {
		name       string
		source     property.Value
		remotePath string
		wantFiles  map[string]string      // path under dest -> content
		wantModes  map[string]os.FileMode // path under dest -> permission bits
	}{
		{
			name:       "directory into a new directory with missing parents",
			source:     archiveOf(t, filepath.Join(src, "payload")),
			remotePath: filepath.Join(dest, "a", "b"),
			wantFiles: map[string]string{
				"a/b/payload/run.sh":        "#!/bin/sh\necho hi\n",
				"a/b/payload/conf/app.conf": "key=value\n",
			},
			wantModes: map[string]os.FileMode{"a/b/payload/run.sh": 0o755},
		},
		{
			name:       "directory contents with a trailing slash",
			source:     archiveOf(t, filepath.Join(src, "payload")+"/"),
			remotePath: filepath.Join(dest, "contents"),
			wantFiles:  map[string]string{"contents/run.sh": "#!/bin/sh\necho hi\n"},
		},
		{
			name:       "file to a new path",
			source:     fileAssetOf(t, filepath.Join(src, "single.txt")),
			remotePath: filepath.Join(dest, "etc", "renamed.txt"),
			wantFiles:  map[string]string{"etc/renamed.txt": "single file\n"},
			wantModes:  map[string]os.FileMode{"etc/renamed.txt": 0o640},
		},
		{
			name:       "file into an existing directory",
			source:     fileAssetOf(t, filepath.Join(src, "single.txt")),
			remotePath: dest,
			wantFiles:  map[string]string{"single.txt": "single file\n"},
		},
		{
			name:       "text content",
			source:     textAsset(t, "password=from-a-string-asset\n"),
			remotePath: filepath.Join(dest, "secret", "pgpass"),
			wantFiles:  map[string]string{"secret/pgpass": "password=from-a-string-asset\n"},
			wantModes:  map[string]os.FileMode{"secret/pgpass": 0o600},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRes(t, s, copyToRemote, "copy")
			r.mustCreate(map[string]property.Value{
				"connection": sshConnection(srv, nil),
				"source":     tt.source,
				"remotePath": str(tt.remotePath),
			})
			for rel, want := range tt.wantFiles {
				got, err := os.ReadFile(filepath.Join(dest, rel))
				if err != nil || string(got) != want {
					t.Errorf("%s = %q (%v), want %q", rel, got, err, want)
				}
			}
			for rel, want := range tt.wantModes {
				info, err := os.Stat(filepath.Join(dest, rel))
				if err != nil || info.Mode().Perm() != want {
					t.Errorf("mode of %s = %v (%v), want %v", rel, info.Mode().Perm(), err, want)
				}
			}
		})
	}

	t.Run("update copies changed content", func(t *testing.T) {
		target := filepath.Join(dest, "updated.txt")
		r := newRes(t, s, copyToRemote, "copy-update")
		inputs := map[string]property.Value{
			"connection": sshConnection(srv, nil),
			"source":     textAsset(t, "v1"),
			"remotePath": str(target),
		}
		r.mustCreate(inputs)
		inputs["source"] = textAsset(t, "v2")
		if _, err := r.update(inputs, false); err != nil {
			t.Fatalf("update: %v", err)
		}
		if got, _ := os.ReadFile(target); string(got) != "v2" {
			t.Errorf("after update the file holds %q, want v2", got)
		}
	})

	t.Run("directory onto a file fails", func(t *testing.T) {
		target := filepath.Join(dest, "plain-file")
		writeFile(t, target, "x", 0o644)
		err := newRes(t, s, copyToRemote, "copy-fail").create(map[string]property.Value{
			"connection": sshConnection(srv, nil),
			"source":     archiveOf(t, filepath.Join(src, "payload")),
			"remotePath": str(target),
		}, false)
		if err == nil || !strings.Contains(err.Error(), "exists and is not a directory") {
			t.Errorf("err = %v, want the remote path named as not a directory", err)
		}
	})
}

func archiveOf(t *testing.T, path string) property.Value {
	t.Helper()
	a, err := archive.FromPath(path)
	if err != nil {
		t.Fatal(err)
	}
	return property.New(a)
}

func fileAssetOf(t *testing.T, path string) property.Value {
	t.Helper()
	a, err := asset.FromPath(path)
	if err != nil {
		t.Fatal(err)
	}
	return property.New(a)
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}
