//! Lines for the terminal. Everything the CLI prints itself goes through [`say!`] / [`say_err!`],
//! which show control characters visibly (`\x1b`), so a hostile banner, log line or element name
//! cannot retitle, clear or recolour the terminal.

/// `println!` with control characters in the formatted line shown, not sent.
#[macro_export]
macro_rules! say {
    () => {
        println!()
    };
    ($($arg:tt)*) => {
        println!("{}", rampart_report::escape::text(&format!($($arg)*)))
    };
}

/// `eprintln!` with control characters in the formatted line shown, not sent.
#[macro_export]
macro_rules! say_err {
    ($($arg:tt)*) => {
        eprintln!("{}", rampart_report::escape::text(&format!($($arg)*)))
    };
}
