package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"no args is usage", nil, exitUsage},
		{"help", []string{"--help"}, exitOK},
		{"unknown command", []string{"nosuch"}, exitUsage},
		{"command help", []string{"version", "--help"}, exitOK},
		{"bad flag", []string{"version", "--nosuch"}, exitUsage},
		{"extra arg", []string{"version", "x"}, exitUsage},
		{"ok", []string{"version"}, exitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			got := runMain(context.Background(), tt.args, env{stdout: &out, stderr: &errb})
			if got != tt.want {
				t.Fatalf("exit %d, want %d; stderr: %s", got, tt.want, errb.String())
			}
		})
	}
}

func TestVersionJSON(t *testing.T) {
	var out, errb bytes.Buffer
	if code := runMain(context.Background(), []string{"version", "--json"}, env{stdout: &out, stderr: &errb}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var v map[string]any
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if v["schema"] != "odbench/version/v1" {
		t.Fatalf("schema = %v", v["schema"])
	}
}
