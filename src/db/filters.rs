//! One keyset-list query builder: a `SELECT … WHERE 1 = 1` that names only the filters in
//! use, then `ORDER BY <key> LIMIT ?`.
//!
//! Naming only what is used lets SQLite walk the matching index (`…_by_status`,
//! `…_by_customer`, each ending in `id`) in page order; a catch-all
//! `(?1 IS NULL OR col = ?1)` cannot use them and scans the table for a rare value. The
//! shapes are few and all stay in the statement cache.

use rusqlite::ToSql;

pub struct ListQuery<'a> {
    sql: String,
    args: Vec<&'a dyn ToSql>,
}

impl<'a> ListQuery<'a> {
    /// `select` is everything up to the WHERE clause (`SELECT … FROM … JOIN …`).
    pub fn new(select: &str) -> ListQuery<'a> {
        ListQuery {
            sql: format!("{select} WHERE 1 = 1"),
            args: Vec::new(),
        }
    }

    /// `AND <clause> ?n` when the value is given, e.g. `("status =", Some(&s))`.
    pub fn and(&mut self, clause: &str, value: Option<&'a dyn ToSql>) -> &mut Self {
        if let Some(v) = value {
            self.args.push(v);
            self.sql
                .push_str(&format!(" AND {clause} ?{}", self.args.len()));
        }
        self
    }

    /// `AND <clause>` with its one `?` numbered, for a value inside the clause.
    pub fn and_with(&mut self, clause: &str, value: Option<&'a dyn ToSql>) -> &mut Self {
        if let Some(v) = value {
            self.args.push(v);
            let numbered = clause.replacen('?', &format!("?{}", self.args.len()), 1);
            self.sql.push_str(&format!(" AND {numbered}"));
        }
        self
    }

    /// `AND <column> IN (SELECT value FROM json_each(?n))` for a JSON array (a branch
    /// scope), when given.
    pub fn within(&mut self, column: &str, json_array: Option<&'a dyn ToSql>) -> &mut Self {
        if let Some(v) = json_array {
            self.args.push(v);
            self.sql.push_str(&format!(
                " AND {column} IN (SELECT value FROM json_each(?{}))",
                self.args.len()
            ));
        }
        self
    }

    /// The finished statement and its arguments: `ORDER BY <order> LIMIT ?n`.
    pub fn page(mut self, order: &str, limit: &'a i64) -> (String, Vec<&'a dyn ToSql>) {
        self.args.push(limit);
        self.sql
            .push_str(&format!(" ORDER BY {order} LIMIT ?{}", self.args.len()));
        (self.sql, self.args)
    }
}

/// `Some(&value)` as a SQL argument.
pub fn arg<T: ToSql>(v: &Option<T>) -> Option<&dyn ToSql> {
    v.as_ref().map(|v| v as &dyn ToSql)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_filters_in_use_are_named() {
        let (status, scope, limit) = (Some("paid"), Some("[\"b1\"]".to_string()), 51i64);
        let none: Option<String> = None;
        let mut q = ListQuery::new("SELECT id FROM invoices");
        q.and("status =", arg(&status))
            .and("customer_id =", arg(&none))
            .within("branch_id", arg(&scope));
        let (sql, args) = q.page("id", &limit);
        assert_eq!(
            sql,
            "SELECT id FROM invoices WHERE 1 = 1 AND status = ?1 AND branch_id IN (SELECT value FROM json_each(?2)) ORDER BY id LIMIT ?3"
        );
        assert_eq!(args.len(), 3);
    }
}
