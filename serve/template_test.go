package serve

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// Jinja openings of the families' real templates, enough for detection.
var jinja = map[string]string{
	"llama3": `{{- bos_token }}{%- for message in messages %}{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' }}{%- endfor %}`,
	"chatml": `{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}`,
	"gemma":  `{{ bos_token }}{% for message in messages %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}`,
	"phi3":   `{% for message in messages %}{% if message['role'] == 'user' %}{{'<|user|>' + '\n' + message['content'] + '<|end|>' + '\n' + '<|assistant|>' + '\n'}}{% endif %}{% endfor %}`,
}

func TestTemplatesGolden(t *testing.T) {
	conv := []Message{
		{Role: "system", Content: "You answer briefly."},
		{Role: "user", Content: "What is 2+2?"},
		{Role: "assistant", Content: "4"},
		{Role: "user", Content: "And 3+3?"},
	}
	for _, name := range TemplateNames() {
		t.Run(name, func(t *testing.T) {
			tm, err := DetectTemplate(jinja[name])
			if err != nil || tm.Name != name {
				t.Fatalf("DetectTemplate(%s jinja) = %q, %v", name, tm.Name, err)
			}
			got, err := tm.Render(conv)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "chat_"+name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("render:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestTemplateErrors(t *testing.T) {
	if _, err := DetectTemplate(""); !errors.Is(err, ErrNoTemplate) {
		t.Errorf("empty template: %v, want ErrNoTemplate", err)
	}
	if _, err := DetectTemplate(`{% for m in messages %}[INST] {{ m.content }} [/INST]{% endfor %}`); !errors.Is(err, ErrUnknownTemplate) {
		t.Errorf("Mistral-style template: %v, want ErrUnknownTemplate", err)
	}
	if _, err := TemplateByName("vicuna"); !errors.Is(err, ErrUnknownTemplate) {
		t.Errorf("TemplateByName(vicuna): %v", err)
	}
	tm, _ := TemplateByName("chatml")
	if _, err := tm.Render([]Message{{Role: "tool", Content: "x"}}); err == nil {
		t.Error("role tool rendered; want an error")
	}
	g, _ := TemplateByName("gemma")
	if _, err := g.Render([]Message{{Role: "user", Content: "a"}, {Role: "system", Content: "b"}}); err == nil {
		t.Error("gemma rendered a late system message; want an error")
	}
}

func TestCompleteUTF8(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"abc", 3}, {"", 0}, {"a\xc3", 1}, {"a\xc3\xa9", 3}, {"\xe2\x82", 0}, {"\xe2\x82\xac", 3}, {"a\xff", 2}, {"\xf0\x9f\x98", 0},
	} {
		if got := completeUTF8([]byte(tc.in)); got != tc.want {
			t.Errorf("completeUTF8(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
