//! The permission catalogue and the built-in roles.
//!
//! Permissions are `<module>.<resource>:<action>`. Built-in roles are defined here, in
//! code, so every tenant gets the same meaning and an upgrade can extend them.

use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct PermissionInfo {
    pub name: &'static str,
    pub description: &'static str,
}

macro_rules! catalogue {
    ($($name:literal => $desc:literal),* $(,)?) => {
        pub const CATALOGUE: &[PermissionInfo] = &[$(PermissionInfo { name: $name, description: $desc }),*];
    };
}

catalogue! {
    "iam.users:read" => "List and view users",
    "iam.users:write" => "Create, edit and deactivate users",
    "iam.roles:read" => "List and view roles",
    "iam.roles:write" => "Create, edit and delete custom roles",
    "org.branches:read" => "List and view branches",
    "org.branches:write" => "Create and edit branches and their numbering series",
    "org.company:read" => "View the company profile",
    "org.company:write" => "Edit the company profile, its bank details and logo",
    "hr.employees:read" => "List and view employees (sensitive fields masked)",
    "hr.employees:write" => "Create and edit employees and their documents",
    "hr.employees:reveal" => "See PAN, Aadhaar and bank account numbers in full",
    "sales.customers:read" => "List and view customers",
    "sales.customers:write" => "Create and edit customers",
    "sales.items:read" => "List and view items",
    "sales.items:write" => "Create and edit items",
    "sales.invoices:read" => "List and view invoices and their documents",
    "sales.invoices:write" => "Create, edit and delete draft invoices; attach documents",
    "sales.invoices:issue" => "Issue invoices (assigns the number)",
    "sales.invoices:cancel" => "Cancel issued invoices",
    "sales.credit_notes:read" => "List and view credit notes",
    "sales.credit_notes:write" => "Create and delete draft credit notes",
    "sales.credit_notes:issue" => "Issue credit notes (assigns the number)",
    "sales.debit_notes:read" => "List and view debit notes",
    "sales.debit_notes:write" => "Create and delete draft debit notes",
    "sales.debit_notes:issue" => "Issue debit notes (assigns the number)",
    "sales.payments:read" => "List and view payments",
    "sales.payments:write" => "Record payments",
    "reports.receivables:read" => "View the receivables report",
    "books.accounts:read" => "View the chart of accounts",
    "books.accounts:write" => "Add, rename and renumber accounts",
    "books.journals:read" => "List and view journals and the lock date",
    "books.journals:write" => "Post and reverse manual journals",
    "books.reports:read" => "View the trial balance, profit and loss, balance sheet, ledgers, statements and day book; export the journal",
    "books.settings:write" => "Set the lock date and close a financial year",
    "purchases.vendors:read" => "List and view vendors",
    "purchases.vendors:write" => "Create and edit vendors",
    "purchases.bills:read" => "List and view purchase bills",
    "purchases.bills:write" => "Create, edit and delete draft bills",
    "purchases.bills:post" => "Post bills to the books and cancel posted bills",
    "purchases.payments:read" => "List and view payments to vendors",
    "purchases.payments:write" => "Record payments to vendors",
    "reports.payables:read" => "View the payables report",
    "stock.reports:read" => "View stock, stock ledgers, transfers and the stock settings",
    "stock.transfers:write" => "Transfer stock between branches of one GSTIN",
    "stock.settings:write" => "Allow or refuse negative stock",
    "returns.gstr2b:read" => "View GSTR-2B reconciliations",
    "returns.gstr2b:write" => "Import GSTR-2B statements",
    "audit.log:read" => "View and verify the audit trail",
}

pub fn is_known(name: &str) -> bool {
    CATALOGUE.iter().any(|p| p.name == name)
}

pub const BUILTIN_ROLES: &[&str] = &[
    "owner",
    "admin",
    "hr_manager",
    "accountant",
    "staff",
    "auditor",
];

fn all_reads() -> impl Iterator<Item = &'static str> {
    CATALOGUE
        .iter()
        .map(|p| p.name)
        .filter(|n| n.ends_with(":read"))
}

/// The permissions of a built-in role, or None for a custom role name.
pub fn builtin_permissions(role: &str) -> Option<Vec<&'static str>> {
    let names = CATALOGUE.iter().map(|p| p.name);
    let mut perms: Vec<&'static str> = match role {
        "owner" => names.collect(),
        "admin" => names
            .filter(|n| n.starts_with("iam.") || n.starts_with("org."))
            .chain(all_reads())
            .collect(),
        "hr_manager" => names
            .filter(|n| n.starts_with("hr."))
            .chain(["org.branches:read"])
            .collect(),
        "accountant" => names
            .filter(|n| {
                n.starts_with("sales.")
                    || n.starts_with("purchases.")
                    || n.starts_with("stock.")
                    || n.starts_with("returns.")
                    || n.starts_with("reports.")
                    || n.starts_with("books.")
            })
            .chain(["org.branches:read", "org.company:read"])
            .collect(),
        "staff" => vec![
            "org.branches:read",
            "sales.customers:read",
            "sales.items:read",
            "sales.invoices:read",
            "sales.invoices:write",
            "stock.reports:read",
        ],
        "auditor" => all_reads().chain(["audit.log:read"]).collect(),
        _ => return None,
    };
    perms.sort_unstable();
    perms.dedup();
    Some(perms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_follow_the_contract() {
        let owner = builtin_permissions("owner").expect("owner");
        assert_eq!(owner.len(), CATALOGUE.len());
        let auditor = builtin_permissions("auditor").expect("auditor");
        assert!(auditor.contains(&"audit.log:read"));
        assert!(
            auditor.iter().all(|p| p.ends_with(":read")),
            "auditor never writes or reveals"
        );
        let hr = builtin_permissions("hr_manager").expect("hr");
        assert!(hr.contains(&"hr.employees:reveal"));
        let admin = builtin_permissions("admin").expect("admin");
        assert!(!admin.contains(&"hr.employees:reveal"));
        assert!(admin.contains(&"iam.users:write") && admin.contains(&"sales.invoices:read"));
        let staff = builtin_permissions("staff").expect("staff");
        assert!(!staff.contains(&"sales.invoices:issue"));
        assert!(builtin_permissions("custom").is_none());
        for role in BUILTIN_ROLES {
            for p in builtin_permissions(role).expect("builtin") {
                assert!(is_known(p), "{p}");
            }
        }
    }
}
