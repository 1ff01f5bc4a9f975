//! Teaching: the token's anatomy step by step, and a glossary of claims and header
//! parameters. Pure functions of a token report; rendering is elsewhere.

pub mod anatomy;
pub mod concepts;
pub mod glossary;
pub mod holder;
