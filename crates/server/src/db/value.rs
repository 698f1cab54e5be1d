//! The value bridge: one [`Value`] type that both drivers bind and read, so a query is
//! written once and runs on SQLite and PostgreSQL. Rust values become a `Value` through
//! [`ToValue`] (see the [`args!`](crate::db::args) macro) and come back through
//! [`FromValue`].
//!
//! PostgreSQL types every parameter from the statement and refuses a mismatch, so the
//! bridge converts on the way in by the type the server asked for (an integer bound to
//! a `BOOLEAN` column is a bool, to an `INTEGER` one an `i32`), and maps every column
//! type the schema uses (`BOOLEAN`, `INTEGER`, `BIGINT`, `TEXT`, `BYTEA`, `DOUBLE
//! PRECISION`) back to the same few values SQLite has.

use std::error::Error;

use bytes::BytesMut;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use rusqlite::types::{ToSqlOutput, ValueRef};

use crate::store::StoreError;

/// A value as both databases hold it; booleans are integers 0 and 1, as in SQLite.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    /// What kind of value this is, for error messages.
    fn kind(&self) -> &'static str {
        match self {
            Self::Null => "NULL",
            Self::Int(_) => "an integer",
            Self::Real(_) => "a real number",
            Self::Text(_) => "text",
            Self::Blob(_) => "bytes",
        }
    }

    /// A SQLite column value, copied.
    pub(super) fn from_sqlite(value: ValueRef<'_>) -> Self {
        match value {
            ValueRef::Null => Self::Null,
            ValueRef::Integer(n) => Self::Int(n),
            ValueRef::Real(x) => Self::Real(x),
            ValueRef::Text(t) => Self::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Self::Blob(b.to_vec()),
        }
    }
}

/// A Rust value that can be bound as a query parameter.
pub trait ToValue {
    fn to_value(&self) -> Value;
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

/// Integers past `i64::MAX` (no time, count or size the inbox keeps) are stored as it.
macro_rules! int_values {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
    )*};
}
int_values!(i32, i64, u32, u64, usize);

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_owned())
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}

impl ToValue for [u8] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}

impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}

/// A Rust value a column can be read as.
pub trait FromValue: Sized {
    /// `None` when `value` is not of this type.
    fn from_value(value: &Value) -> Option<Self>;
    /// The type's name, for the error when a column is not of it.
    const NAME: &'static str;
}

macro_rules! int_columns {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            const NAME: &'static str = stringify!($t);
            fn from_value(value: &Value) -> Option<Self> {
                match value {
                    Value::Int(n) => <$t>::try_from(*n).ok(),
                    _ => None,
                }
            }
        }
    )*};
}
int_columns!(i32, i64, u32, u64, usize);

impl FromValue for bool {
    const NAME: &'static str = "bool";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Int(n) => Some(*n != 0),
            _ => None,
        }
    }
}

impl FromValue for f64 {
    const NAME: &'static str = "f64";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Real(x) => Some(*x),
            Value::Int(n) => Some(*n as f64),
            _ => None,
        }
    }
}

impl FromValue for String {
    const NAME: &'static str = "text";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Text(text) => Some(text.clone()),
            _ => None,
        }
    }
}

impl FromValue for Vec<u8> {
    const NAME: &'static str = "bytes";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Blob(bytes) => Some(bytes.clone()),
            _ => None,
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    const NAME: &'static str = T::NAME;
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// One result row, its columns in the order the query selected them.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub(super) Vec<Value>);

impl Row {
    /// Column `index` as a `T`; a clear error when it holds something else.
    pub fn get<T: FromValue>(&self, index: usize) -> Result<T, StoreError> {
        let value = self.0.get(index).unwrap_or(&Value::Null);
        T::from_value(value).ok_or_else(|| StoreError::Column {
            index,
            expected: T::NAME,
            found: value.kind(),
        })
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Self::Null => ValueRef::Null,
            Self::Int(n) => ValueRef::Integer(*n),
            Self::Real(x) => ValueRef::Real(*x),
            Self::Text(t) => ValueRef::Text(t.as_bytes()),
            Self::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

type BoxError = Box<dyn Error + Sync + Send>;

fn mismatch(ty: &Type, value: &Value) -> BoxError {
    format!("cannot bind {} to a parameter of type {ty}", value.kind()).into()
}

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match (self, ty) {
            (Self::Null, _) => Ok(IsNull::Yes),
            (Self::Int(n), &Type::INT8) => n.to_sql(ty, out),
            (Self::Int(n), &Type::INT4) => i32::try_from(*n)?.to_sql(ty, out),
            (Self::Int(n), &Type::INT2) => i16::try_from(*n)?.to_sql(ty, out),
            (Self::Int(n), &Type::BOOL) => (*n != 0).to_sql(ty, out),
            (Self::Int(n), &Type::FLOAT8) => (*n as f64).to_sql(ty, out),
            (Self::Real(x), &Type::FLOAT8) => x.to_sql(ty, out),
            (Self::Text(t), &Type::TEXT | &Type::VARCHAR | &Type::BPCHAR | &Type::NAME) => {
                t.as_str().to_sql(ty, out)
            }
            (Self::Blob(b), &Type::BYTEA) => b.as_slice().to_sql(ty, out),
            (value, ty) => Err(mismatch(ty, value)),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl<'a> FromSql<'a> for Value {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(match *ty {
            Type::BOOL => Self::Int(i64::from(bool::from_sql(ty, raw)?)),
            Type::INT2 => Self::Int(i64::from(i16::from_sql(ty, raw)?)),
            Type::INT4 => Self::Int(i64::from(i32::from_sql(ty, raw)?)),
            Type::INT8 => Self::Int(i64::from_sql(ty, raw)?),
            Type::FLOAT8 => Self::Real(f64::from_sql(ty, raw)?),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
                Self::Text(String::from_sql(ty, raw)?)
            }
            Type::BYTEA => Self::Blob(Vec::<u8>::from_sql(ty, raw)?),
            _ => return Err(format!("column type {ty} is not one the store reads").into()),
        })
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Self::Null)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}
