//! Colours the terminal UI draws with. Every widget asks the theme by role (a passing
//! hole, a keyword, an ARC colour) rather than naming a colour, so a palette change is one
//! edit here and no RGB literal appears anywhere else. Colours are the terminal's named and
//! 256-colour indexed ones, which every terminal ratatui supports renders alike.

use ratatui::style::{Color, Modifier, Style};

use crate::session::HoleStatus;

/// The ARC palette (0 black, 1 blue, 2 red, 3 green, 4 yellow, 5 grey, 6 magenta,
/// 7 orange, 8 light blue, 9 maroon) as the nearest xterm 256-colour indices.
const ARC: [u8; 10] = [16, 27, 196, 40, 226, 246, 201, 208, 117, 88];

#[derive(Debug, Clone)]
pub struct Theme {
    pub border: Style,
    pub border_focused: Style,
    pub title: Style,
    pub selected: Style,
    pub dim: Style,
    pub error: Style,
    pub ok: Style,
    pub warn: Style,
    pub status_bar: Style,
    pub key: Style,
    pub keyword: Style,
    pub string: Style,
    pub comment: Style,
    pub number: Style,
    pub function: Style,
    pub builtin: Style,
    pub operator: Style,
    /// Drawn over a grid cell whose value differs from the expected grid's.
    pub diff_mark: Style,
    /// A grid cell's value, faint on its colour.
    pub grid_digit: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            border: Style::new().fg(Color::DarkGray),
            border_focused: Style::new().fg(Color::Cyan),
            title: Style::new().add_modifier(Modifier::BOLD),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            dim: Style::new().fg(Color::DarkGray),
            error: Style::new().fg(Color::Red),
            ok: Style::new().fg(Color::Green),
            warn: Style::new().fg(Color::Yellow),
            status_bar: Style::new().fg(Color::Black).bg(Color::Gray),
            key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            keyword: Style::new().fg(Color::Magenta),
            string: Style::new().fg(Color::Green),
            comment: Style::new()
                .fg(Color::DarkGray)
                .add_modifier(Modifier::ITALIC),
            number: Style::new().fg(Color::Yellow),
            function: Style::new().fg(Color::Blue),
            builtin: Style::new().fg(Color::Cyan),
            operator: Style::new().fg(Color::White),
            diff_mark: Style::new().fg(Color::White).add_modifier(Modifier::BOLD),
            grid_digit: Style::new().fg(Color::Gray).add_modifier(Modifier::DIM),
        }
    }
}

impl Theme {
    pub fn status(&self, status: HoleStatus) -> Style {
        match status {
            HoleStatus::Passing => self.ok,
            HoleStatus::Failing => self.error,
            HoleStatus::Stale => self.warn,
            HoleStatus::Unchecked => Style::new().fg(Color::Cyan),
            HoleStatus::Empty => self.dim,
            HoleStatus::ProgramChecked => self.ok,
            HoleStatus::Guess => self.warn,
        }
    }

    /// The background of one ARC grid cell; values outside 0-9 get a neutral colour.
    pub fn arc(&self, value: i64) -> Color {
        usize::try_from(value)
            .ok()
            .and_then(|i| ARC.get(i))
            .map(|&i| Color::Indexed(i))
            .unwrap_or(Color::Indexed(235))
    }

    /// Highlight style for a tree-sitter capture name (`keyword`, `string.special`, …).
    pub fn capture(&self, name: &str) -> Option<Style> {
        let head = name.split('.').next().unwrap_or(name);
        match head {
            "keyword" => Some(self.keyword),
            "string" | "escape" => Some(self.string),
            "comment" => Some(self.comment),
            "number" => Some(self.number),
            "function" | "constructor" => Some(self.function),
            "constant" | "type" => Some(self.builtin),
            "operator" => Some(self.operator),
            _ => None,
        }
    }
}
