//! The things Gatehouse keeps: organisations in their tree, the role catalogue, users, the role
//! assignments that tie them together, sessions, notifications, the emails waiting to be sent and
//! the audit events. Built on [`crate::values`]; no use cases and no authority here.

pub mod assignment;
pub mod audit;
pub mod cluster;
pub mod connected_service;
pub mod draft;
pub mod notification;
pub mod organisation;
pub mod outbox;
pub mod role;
pub mod second_factor;
pub mod session;
pub mod user;
