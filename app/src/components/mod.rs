//! Small views and helpers more than one page shows: who someone is ([`people`]) and
//! where a ticket stands ([`ticket_state`]).

pub mod people;
pub mod ticket_state;
