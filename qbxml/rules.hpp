#pragma once
// What a QuickBooks Desktop company file accepts in the references Settlebridge sends (issue 13): which item types a
// SKU or category line may use, which account types each account reference takes. The same rules drive the simulated
// QuickBooks (tools/quickbooks_sim/rules.json, read by the simulator and by the planner's unit-test fake); a unit test
// checks that this table says what that file says. docs/ACCOUNTING.md gives the sources ("inferred" where none).

#include <span>
#include <string>
#include <string_view>

namespace settlebridge::qbxml {

/// Item types as ItemQuery answers them (the Ret element without "Ret"): "ItemService", "ItemGroup", ...
/// True for the types a SKU or category line may use: Service, NonInventory, OtherCharge, Inventory,
/// InventoryAssembly. Group, Subtotal, Discount, Payment, SalesTax, SalesTaxGroup and FixedAsset items are not.
bool isSalesLineItemType(std::string_view itemType) noexcept;
/// The item types a sales line may use, in rules.json's order.
std::span<const std::string_view> salesLineItemTypes() noexcept;
/// The name QuickBooks' item list shows for a type: "ItemGroup" → "Group", "ItemNonInventory" → "Non-inventory Part",
/// "ItemOtherCharge" → "Other Charge"; an unknown type is returned as it is.
std::string_view itemTypeLabel(std::string_view itemType) noexcept;
/// True for the types Settlebridge creates (ItemService, ItemNonInventory, ItemOtherCharge).
bool isCreatableItemType(std::string_view itemType) noexcept;

/// What an account reference is for.
enum class AccountRole {
    Deposit,      ///< SalesReceiptAdd/DepositToAccountRef, DepositAdd/DepositToAccountRef
    Refund,       ///< ARRefundCreditCardAdd/RefundFromAccountRef
    Transfer,     ///< TransferAdd/TransferFromAccountRef and TransferToAccountRef
    Item,         ///< the account of an item Settlebridge creates (AccountRef, IncomeAccountRef, ExpenseAccountRef)
    DepositLine,  ///< DepositAdd/DepositLineAdd/AccountRef (where a deposit's money comes from)
};
/// rules.json's key: "deposit", "refund", "transfer", "item", "deposit_line".
std::string_view roleKey(AccountRole role) noexcept;
/// The qbXML AccountType values (e.g. "Bank", "OtherCurrentAsset") the role takes, in rules.json's order.
std::span<const std::string_view> allowedAccountTypes(AccountRole role) noexcept;
bool accountTypeAllowed(AccountRole role, std::string_view accountType) noexcept;
/// "OtherCurrentAsset" → "Other Current Asset", "AccountsReceivable" → "Accounts Receivable" (QuickBooks' words).
std::string accountTypeLabel(std::string_view accountType);
/// Why the account `name` of type `accountType` cannot stand in a reference of `role`, or "" when it can:
/// 'the account "Sales" is an Income account in QuickBooks; a deposit goes to a Bank or Other Current Asset account'.
std::string accountTypeProblem(AccountRole role, std::string_view name, std::string_view accountType);

}  // namespace settlebridge::qbxml
