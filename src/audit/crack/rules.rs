//! Word-mangling rules: the variants of one wordlist line.

/// Word-mangling rules applied to each line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Rules {
    /// Try each line as it is.
    #[default]
    None,
    /// Also try the line in lowercase, UPPERCASE and Capitalized, each of those (and the line
    /// itself) followed by a digit, two digits, `123`, `1234` or a year 1990-2030. Case
    /// changes affect ASCII letters only.
    Common,
}

/// The mangled variants of one word, stored back to back, with reused buffers so that
/// mangling allocates nothing once warmed up.
#[derive(Debug)]
pub(super) struct Variants {
    data: Vec<u8>,
    ends: Vec<usize>,
    /// The lowercase, UPPERCASE and Capitalized forms of the current word, back to back.
    forms: Vec<u8>,
    /// The suffixes of [`Rules::Common`], back to back.
    suffixes: Vec<u8>,
    suffix_ends: Vec<usize>,
}

impl Default for Variants {
    fn default() -> Self {
        let mut suffixes = Vec::new();
        let mut suffix_ends = Vec::new();
        let mut add = |suffix: &[u8]| {
            suffixes.extend_from_slice(suffix);
            suffix_ends.push(suffixes.len());
        };
        for d in b'0'..=b'9' {
            add(&[d]);
        }
        for tens in b'0'..=b'9' {
            for units in b'0'..=b'9' {
                add(&[tens, units]);
            }
        }
        add(b"123");
        add(b"1234");
        for year in 1990u16..=2030 {
            add(year.to_string().as_bytes());
        }
        Self {
            data: Vec::new(),
            ends: Vec::new(),
            forms: Vec::new(),
            suffixes,
            suffix_ends,
        }
    }
}

impl Variants {
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(super) fn get(&self, index: usize) -> &[u8] {
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        &self.data[start..self.ends[index]]
    }

    /// Replaces the contents with the variants of `word`, the word itself first. Case forms
    /// equal to one already present are skipped; as ASCII case changes keep the length,
    /// distinct forms with suffixes can never coincide, so no other duplicates arise.
    pub(super) fn fill(&mut self, word: &[u8]) {
        self.data.clear();
        self.ends.clear();
        self.forms.clear();
        self.forms.extend(word.iter().map(u8::to_ascii_lowercase));
        self.forms.extend(word.iter().map(u8::to_ascii_uppercase));
        self.forms.extend(word.iter().map(u8::to_ascii_lowercase));
        if let Some(first) = self.forms.get_mut(2 * word.len()) {
            first.make_ascii_uppercase();
        }
        let mut bases: [&[u8]; 4] = [word, &[], &[], &[]];
        let mut count = 1;
        for form in self.forms.chunks_exact(word.len().max(1)) {
            if !bases[..count].contains(&form) {
                bases[count] = form;
                count += 1;
            }
        }
        for base in &bases[..count] {
            self.data.extend_from_slice(base);
            self.ends.push(self.data.len());
            let mut start = 0;
            for &end in &self.suffix_ends {
                self.data.extend_from_slice(base);
                self.data.extend_from_slice(&self.suffixes[start..end]);
                self.ends.push(self.data.len());
                start = end;
            }
        }
    }
}
