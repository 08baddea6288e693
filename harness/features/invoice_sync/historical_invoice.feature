@article:historical-invoice @needs:historical
Feature: Invoices created before QuickBooks was connected are never back-filled
  An invoice that predates the connection has no QuickBooks counterpart, so a later change to it would
  be an update QuickBooks cannot apply. Caspen shows the card and sends nothing.

  Background:
    Given a Caspen account with an Australian QuickBooks company that is not yet connected
    And a client "Ari Ng" with client id 3100777
    And a finalized invoice for "Ari Ng" of $300.00 with GST
    And the account connects to QuickBooks

  Scenario: A payment on a historical invoice is not pushed
    When I apply a payment of $100.00 to the invoice
    Then the QuickBooks status card shows "Update failed: Historical invoice"
    And the status card does not offer Retry
    And no request reached QuickBooks for the invoice

  Scenario: Recreate the historical invoice as a new invoice
    When I apply a payment of $100.00 to the invoice
    Then the QuickBooks status card shows "Update failed: Historical invoice"
    When I recreate the invoice as a new invoice
    Then the new invoice's QuickBooks status card shows "Synced"
    And QuickBooks has the new invoice with a total of $330.00
